// The coding queue's keyboard shortcut: "/" anywhere outside a text box goes to the
// search box. Without JavaScript the page works the same by tabbing.

const search = document.querySelector('[data-coding-search]')
if (search) {
  document.addEventListener('keydown', (event) => {
    const typing = event.target.closest('input, textarea, select')
    if (event.key === '/' && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault()
      search.focus()
      search.select()
    }
  })
}

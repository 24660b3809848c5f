// The coding queue's title page, for a coder working by keyboard: the page opens with
// the search box ready to type in, and after a search with the first unit group found
// (arrows move between them, Enter records the decision). Without JavaScript the page
// works the same by tabbing.

const search = document.querySelector('[data-coding-search]')
if (search) {
  const first = document.querySelector('input[name="choice"]')
  if (search.value && first && !document.querySelector('.govuk-error-summary')) {
    first.focus()
  } else if (!document.querySelector('.govuk-error-summary')) {
    search.focus()
  }
}

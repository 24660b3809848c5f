// The sample list's "select every case on this page": ticking it ticks each case's
// box too, and unticking a case unticks it. Without JavaScript the box still works,
// on the server: the page's cases go with the form.
const page = document.querySelector('[data-select-page]')
const boxes = Array.from(document.querySelectorAll('[data-case-box]'))
if (page && boxes.length) {
  page.addEventListener('change', () => {
    boxes.forEach((box) => { box.checked = page.checked })
  })
  boxes.forEach((box) => box.addEventListener('change', () => {
    if (!box.checked) page.checked = false
  }))
}

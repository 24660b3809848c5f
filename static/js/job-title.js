// The job title box as an accessible autocomplete (alphagov's accessible-autocomplete,
// vendored in static/vendor/, loaded before this as a classic script).
//
// An enhancement: without it the page is a text box, and the service asks "Which of these
// is closest?" afterwards. With it, suggestions come from the page's suggestions endpoint
// as the person types (two letters or more); choosing one (arrows and Enter, or a click)
// puts its title in the box and its SOC 2020 code in the hidden "suggestion"; typing again
// forgets the code, and a title that is not listed is kept as typed ("my answer is not
// listed"). "suggested" tells the service the list was offered. Keyboard first for
// interviewers: the box takes the focus, Enter with no suggestion chosen continues.
// Once ready, <html> carries data-job-title="ready" (the browser tests wait for it).

const DEBOUNCE_MS = 120

function escapeHtml (text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]))
}

function enhance (container) {
  const autocomplete = window.accessibleAutocomplete
  const original = container.querySelector('input')
  const form = container.closest('form')
  if (!autocomplete || !original || !form) return
  const code = form.querySelector('[data-job-title-code]')
  const suggested = form.querySelector('[data-job-title-suggested]')
  const notListed = form.querySelector('[data-job-title-not-listed]')
  const url = container.dataset.suggestUrl
  const typed = original.value
  const describedBy = original.getAttribute('aria-describedby')
  const interviewer = form.hasAttribute('data-job-title-interviewer')
  let timer = null
  let lastTitle = ''

  const source = (query, populate) => {
    window.clearTimeout(timer)
    timer = window.setTimeout(async () => {
      try {
        const answer = await window.fetch(`${url}?q=${encodeURIComponent(query)}`, {
          headers: { Accept: 'application/json' },
          credentials: 'same-origin'
        })
        populate(answer.ok ? (await answer.json()).suggestions : [])
      } catch {
        populate([])
      }
    }, DEBOUNCE_MS)
  }

  original.remove()
  autocomplete({
    element: container,
    id: 'id_text',
    name: 'text',
    defaultValue: typed,
    minLength: 2,
    source,
    showNoOptionsFound: false,
    confirmOnBlur: false,
    displayMenu: 'overlay',
    templates: {
      inputValue: (item) => (item && typeof item === 'object' ? item.title : item || ''),
      suggestion: (item) => (item && typeof item === 'object' ? escapeHtml(item.title) : escapeHtml(item || ''))
    },
    onConfirm: (item) => {
      if (item && typeof item === 'object') {
        code.value = item.soc2020
        lastTitle = item.title
      }
    },
    tNoResults: () => 'No matching job titles: keep what you typed',
    tStatusQueryTooShort: (min) => `Type ${min} or more letters for suggestions`,
    tStatusNoResults: () => 'No matching job titles: keep what you typed',
    tStatusResults: (length, contentSelectedOption) => {
      const titles = length === 1 ? 'job title matches' : 'job titles match'
      return `${length} ${titles}. ${contentSelectedOption}`
    }
  })

  const input = container.querySelector('input#id_text')
  if (!input) return
  input.setAttribute('maxlength', '200')
  input.setAttribute('spellcheck', 'false')
  if (describedBy) {
    const own = input.getAttribute('aria-describedby')
    input.setAttribute('aria-describedby', own ? `${own} ${describedBy}` : describedBy)
  }
  // Typing again after a choice: the text is the person's own now, not the suggestion.
  input.addEventListener('input', () => {
    if (input.value !== lastTitle) code.value = ''
  })
  // Enter with the list closed (or nothing chosen in it) continues with what is typed.
  input.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return
    const chosen = container.querySelector('.autocomplete__option--focused')
    if (!chosen) {
      event.preventDefault()
      form.requestSubmit()
    }
  })
  suggested.value = 'on'
  if (notListed) notListed.hidden = false
  if (interviewer && !document.querySelector('.govuk-error-summary')) input.focus()
}

for (const container of document.querySelectorAll('[data-job-title]')) enhance(container)
document.documentElement.dataset.jobTitle = 'ready'

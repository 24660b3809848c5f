// Fast entry on interviewer screens, loaded only by the interviewer's pages.
//
// An enhancement: every screen works without it. On a question screen the number
// keys choose the option with that number (the number printed before its label,
// which is the standard's own numbering), Enter on a chosen option submits the
// page, and focus starts on the options. On showcard pages a Print button appears.

const TYPING = 'input:not([type="radio"]):not([type="checkbox"]), textarea, select, [contenteditable]'

function fastEntry (form) {
  const options = () => Array.from(form.querySelectorAll('input[type="radio"][name="answer"]'))

  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return
    const target = event.target instanceof Element ? event.target : null
    if (target && target.closest(TYPING)) return

    if (/^[1-9]$/.test(event.key)) {
      const option = options()[Number(event.key) - 1]
      if (!option) return
      event.preventDefault()
      option.checked = true
      option.focus()
      option.dispatchEvent(new Event('change', { bubbles: true }))
    } else if (event.key === 'Enter' && target && target.matches('input[type="radio"]') && form.contains(target)) {
      event.preventDefault()
      form.requestSubmit()
    }
  })

  // After a failed submit GOV.UK Frontend moves focus to the error summary; leave it there.
  if (!document.querySelector('.govuk-error-summary')) {
    const all = options()
    const start = all.find((option) => option.checked) || all[0]
    if (start) start.focus()
  }
}

const form = document.querySelector('form[data-fast-entry]')
if (form) fastEntry(form)

for (const button of document.querySelectorAll('button[data-print]')) {
  button.hidden = false
  button.addEventListener('click', () => window.print())
}

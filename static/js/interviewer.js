// Keyboard work on the interviewer's and supervisor's pages.
//
// An enhancement: every page works without it. On a question screen the number
// keys choose the option with that number (the standard's own numbering, printed
// before each label), a letter key chooses the answer that carries it (data-key:
// "don't know", "prefer not to say"), Enter on a chosen option submits the page,
// and focus starts on the options. Elsewhere, a key listed on the page under
// "Keyboard shortcuts" works the element that carries it (data-shortcut): a box
// takes the focus, a link or button is followed. On showcard pages a Print button
// appears. (The timeout warning is timeout-warning.js, loaded beside this.) Once
// every key is listened for, <html> carries data-keyboard="ready".
//
// Single keys act only where they cannot surprise (WCAG 2.1.4): a question's keys
// only while focus is in its answers, and every page's shortcuts can be turned off
// (and on again) with the button beside their list, remembered in this browser.

const SETTING = 'seb-keyboard-shortcuts'

function shortcutsOn () {
  try {
    return window.localStorage.getItem(SETTING) !== 'off'
  } catch {
    return true
  }
}

function offerSwitch () {
  for (const button of document.querySelectorAll('button[data-shortcuts-switch]')) {
    const status = document.getElementById(button.getAttribute('aria-describedby') || '')
    const show = () => {
      const on = shortcutsOn()
      button.textContent = on ? 'Turn keyboard shortcuts off' : 'Turn keyboard shortcuts on'
      if (status) status.textContent = on ? 'Keyboard shortcuts are on.' : 'Keyboard shortcuts are off.'
      document.documentElement.dataset.shortcuts = on ? 'on' : 'off'
    }
    button.hidden = false
    button.addEventListener('click', () => {
      try {
        window.localStorage.setItem(SETTING, shortcutsOn() ? 'off' : 'on')
      } catch {}
      show()
    })
    show()
  }
}

const TYPING = 'input:not([type="radio"]):not([type="checkbox"]), textarea, select, [contenteditable]'

function ignored (event) {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return true
  // A modal dialog (the timeout warning) takes every key while it is open.
  if (document.querySelector('dialog[open]')) return true
  const target = event.target instanceof Element ? event.target : null
  return Boolean(target && target.closest(TYPING))
}

function choose (option) {
  option.checked = true
  option.focus()
  option.dispatchEvent(new Event('change', { bubbles: true }))
}

function fastEntry (form) {
  const options = () => Array.from(form.querySelectorAll('input[type="radio"][name="answer"]'))

  document.addEventListener('keydown', (event) => {
    if (ignored(event) || !shortcutsOn()) return
    const target = event.target instanceof Element ? event.target : null
    // Only while focus is in the answers: a key pressed anywhere else does nothing.
    if (!target || !form.contains(target)) return
    if (/^[1-9]$/.test(event.key)) {
      const option = options()[Number(event.key) - 1]
      if (!option) return
      event.preventDefault()
      choose(option)
    } else if (event.key.length === 1 && /[a-z]/i.test(event.key)) {
      const option = options().find((radio) => radio.dataset.key === event.key.toLowerCase())
      if (!option) return
      event.preventDefault()
      choose(option)
    } else if (event.key === 'Enter' && target && target.matches('input[type="radio"]') && form.contains(target)) {
      event.preventDefault()
      form.requestSubmit()
    }
  })

  // After a failed submit GOV.UK Frontend moves focus to the error summary; leave it there.
  if (!document.querySelector('.govuk-error-summary')) {
    const all = options()
    const start = all.find((option) => option.checked) || all[0]
    // Without scrolling: the question, above the options, stays in view.
    if (start) start.focus({ preventScroll: true })
  }
}

function shortcuts () {
  const bound = new Map()
  for (const element of document.querySelectorAll('[data-shortcut]')) {
    const key = element.dataset.shortcut.toLowerCase()
    if (!bound.has(key)) bound.set(key, element)
  }
  if (!bound.size) return
  document.addEventListener('keydown', (event) => {
    if (ignored(event) || !shortcutsOn()) return
    const element = bound.get(event.key.toLowerCase())
    if (!element) return
    event.preventDefault()
    if (element.matches('input, select, textarea')) {
      element.focus()
      if (element.select) element.select()
    } else {
      element.click()
    }
  })
}

// GOV.UK's conditional reveal, without the aria-expanded that GOV.UK Frontend puts on
// a radio (a radio has no such state: axe's aria-allowed-attr): the content under an
// option is shown while that option is chosen.
for (const input of document.querySelectorAll('input[type="radio"][data-reveals]')) {
  const content = document.getElementById(input.dataset.reveals)
  if (!content || !input.form) continue
  const show = () => content.classList.toggle('govuk-radios__conditional--hidden', !input.checked)
  for (const radio of input.form.querySelectorAll(`input[type="radio"][name="${input.name}"]`)) {
    radio.addEventListener('change', show)
  }
  show()
}

offerSwitch()
const form = document.querySelector('form[data-fast-entry]')
if (form) fastEntry(form)
else shortcuts()

for (const button of document.querySelectorAll('button[data-print]')) {
  button.hidden = false
  button.addEventListener('click', () => window.print())
}

// The keys work from here on: say so (assistive tools and the browser tests wait for it).
document.documentElement.dataset.keyboard = 'ready'

// GOV.UK's timeout warning for staff sessions (templates/interview/_session.html).
//
// A staff session ends after a time without activity (StaffIdleTimeoutMiddleware).
// Without JavaScript the page says when. With it, a modal dialog opens a little
// before the end (two minutes by default) and counts down: "Stay signed in" (or
// Escape) asks the server to keep the session alive and closes the dialog; "Sign
// out" signs out. Focus moves into the dialog and stays there (Tab and Shift+Tab
// go round its controls) until it closes, then goes back where it was; the time
// left is announced when the dialog opens and at a few moments after.
//
// Before opening, the dialog asks the server how long the session really has
// left (without counting as activity): another tab may have kept it alive. When
// time runs out the dialog says so and offers to sign in again; on a question
// screen with an answer chosen, that sends the answer first, which the server
// keeps for the user until they have signed in again.

const SECOND = 1000
const ANNOUNCE_AT = new Set([60, 20])

function spoken (seconds) {
  if (seconds > 60) return `${Math.ceil(seconds / 60)} minutes`
  if (seconds === 60) return '1 minute'
  return `${seconds} second${seconds === 1 ? '' : 's'}`
}

function clock (moment) {
  return moment.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })
}

function focusable (container) {
  return Array.from(container.querySelectorAll('button, a[href], input:not([type="hidden"])'))
    .filter((element) => !element.disabled && !element.closest('[hidden]'))
}

function timeoutWarning (root) {
  const dialog = root.querySelector('dialog[data-timeout-dialog]')
  if (!dialog || typeof dialog.showModal !== 'function') return
  const warningSeconds = Number(root.dataset.warningSeconds)
  const statusUrl = root.dataset.statusUrl
  const signInUrl = root.dataset.signInUrl
  const keepAlive = dialog.querySelector('form[data-keep-alive]')
  const title = dialog.querySelector('[data-dialog-title]')
  const text = dialog.querySelector('[data-dialog-text]')
  const announcer = dialog.querySelector('[data-announce]')
  const warningActions = dialog.querySelector('[data-dialog-warning]')
  const endedActions = dialog.querySelector('[data-dialog-ended]')
  const signIn = dialog.querySelector('[data-sign-in]')
  const notice = root.querySelector('[data-session-end]')

  let deadline = 0
  let warnTimer = 0
  let tickTimer = 0
  let returnFocus = null
  let ended = false
  let closing = false

  const secondsLeft = () => Math.max(0, Math.ceil((deadline - performance.now()) / SECOND))

  function announce (message) {
    announcer.textContent = ''
    window.setTimeout(() => { announcer.textContent = message }, 50)
  }

  function schedule (seconds) {
    deadline = performance.now() + seconds * SECOND
    window.clearTimeout(warnTimer)
    warnTimer = window.setTimeout(check, Math.max(0, seconds - warningSeconds) * SECOND)
    if (notice) {
      const end = new Date(Date.now() + seconds * SECOND)
      notice.textContent = clock(end)
      notice.dateTime = end.toISOString()
    }
  }

  async function askServer (url, options) {
    try {
      const response = await window.fetch(url, {
        credentials: 'same-origin',
        cache: 'no-store',
        headers: { Accept: 'application/json' },
        ...options
      })
      const body = await response.json()
      return body.signed_in ? Number(body.seconds_left) : 0
    } catch {
      return null // the network failed: go by our own count
    }
  }

  async function check () {
    const left = await askServer(statusUrl, { method: 'GET' })
    if (left !== null && left > warningSeconds + 1) {
      schedule(left) // kept alive elsewhere: warn later
      return
    }
    if (left !== null) deadline = performance.now() + left * SECOND
    open()
  }

  function showWarning () {
    title.textContent = 'You’re about to be signed out'
    text.innerHTML = ''
    text.append('For your security, you will be signed out in ')
    const count = document.createElement('span')
    count.dataset.countdown = ''
    text.append(count, '.')
    warningActions.hidden = false
    endedActions.hidden = true
  }

  function open () {
    if (!dialog.open) {
      returnFocus = document.activeElement
      ended = false
      showWarning()
      dialog.showModal()
    }
    tick(true)
    const first = focusable(dialog)[0]
    if (first) first.focus()
  }

  function close () {
    closing = true
    window.clearTimeout(tickTimer)
    if (dialog.open) dialog.close()
    closing = false
    if (returnFocus && document.contains(returnFocus)) returnFocus.focus()
  }

  function tick (opening) {
    window.clearTimeout(tickTimer)
    const left = secondsLeft()
    if (left <= 0) {
      end()
      return
    }
    const count = text.querySelector('[data-countdown]')
    if (count) count.textContent = spoken(left)
    if (!opening && ANNOUNCE_AT.has(left)) {
      announce(`You will be signed out in ${spoken(left)}.`)
    }
    tickTimer = window.setTimeout(() => tick(false), SECOND)
  }

  function end () {
    ended = true
    window.clearTimeout(warnTimer)
    window.clearTimeout(tickTimer)
    if (!dialog.open) {
      returnFocus = document.activeElement
      dialog.showModal()
    }
    title.textContent = 'You have been signed out'
    text.textContent = 'For your security, you were signed out because nothing happened for a while. ' +
      'Sign in again to carry on where you left off.'
    warningActions.hidden = true
    endedActions.hidden = false
    signIn.focus()
    announce('You have been signed out.')
  }

  async function stay () {
    if (ended) return
    const left = await askServer(keepAlive.action, { method: 'POST', body: new FormData(keepAlive) })
    if (left === 0) {
      end()
      return
    }
    close()
    schedule(left === null ? secondsLeft() : left)
    announce('You are still signed in.')
  }

  keepAlive.addEventListener('submit', (event) => {
    event.preventDefault()
    stay()
  })

  // Escape means "stay signed in" (GOV.UK's pattern); once signed out, nothing to stay in.
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault()
    stay()
  })
  dialog.addEventListener('close', () => {
    if (closing) return
    // Closed some other way (a browser may force it): it never leaves the person unwarned.
    if (ended) dialog.showModal()
    else stay()
  })

  dialog.addEventListener('keydown', (event) => {
    if (event.key !== 'Tab') return
    const controls = focusable(dialog)
    if (!controls.length) return
    const first = controls[0]
    const last = controls[controls.length - 1]
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault()
      last.focus()
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault()
      first.focus()
    } else if (!dialog.contains(document.activeElement)) {
      event.preventDefault()
      first.focus()
    }
  })

  signIn.addEventListener('click', () => {
    const form = document.querySelector('form[data-fast-entry]')
    if (form && form.querySelector('input[name="answer"]:checked')) {
      // Send the chosen answer: the server keeps it until the same person signs in again.
      closing = true
      dialog.close()
      form.requestSubmit()
    } else {
      window.location.assign(signInUrl)
    }
  })

  schedule(Number(root.dataset.secondsLeft))
}

for (const root of document.querySelectorAll('[data-module="app-timeout-warning"]')) {
  timeoutWarning(root)
}

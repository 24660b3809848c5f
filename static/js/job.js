// A job's page follows the job: its state is fetched every two seconds and shown in
// place (the sentence is a polite live region); when the job finishes the page
// reloads to show the result. Without JavaScript the page reloads itself instead.

const root = document.getElementById('job')
if (root && root.dataset.finished === 'false') {
  const url = root.dataset.jobStatusUrl
  const update = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      if (!response.ok) return
      const state = await response.json()
      if (state.finished) {
        window.location.reload()
        return
      }
      document.getElementById('job-status').textContent = state.status_label
      document.getElementById('job-progress-text').textContent = `${state.progress}%`
      document.getElementById('job-stage').textContent = state.stage
      const bar = document.getElementById('job-progress')
      bar.value = state.progress
      bar.textContent = `${state.progress}%`
    } catch (error) {
      // A dropped connection is tried again at the next tick.
    }
  }
  window.setInterval(update, 2000)
}

// The survey form's live preview of the survey's full address, as it is typed.
// Without JavaScript the page shows the address as saved (or a placeholder), and
// the form works the same. The preview is a polite live region, so screen readers
// hear the address settle once typing pauses.

const slug = document.getElementById('id_slug')
const name = document.getElementById('id_name')
const preview = document.getElementById('address-preview')
if (slug && preview) {
  const base = preview.dataset.addressBase
  const region = document.getElementById('address-preview-text')
  region.setAttribute('aria-live', 'polite')
  let edited = slug.value.trim() !== ''
  const slugify = (text) => text.toLowerCase()
    .normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60)
  const show = () => {
    const value = slugify(slug.value) || 'your-address'
    preview.textContent = `${base}${value}/`
  }
  slug.addEventListener('input', () => { edited = slug.value.trim() !== ''; show() })
  if (name) {
    name.addEventListener('input', () => {
      if (!edited) {
        slug.value = slugify(name.value)
        show()
      }
    })
  }
  show()
  preview.dataset.live = 'true'
}

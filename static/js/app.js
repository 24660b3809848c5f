// GOV.UK Frontend's components, served from this site (the CSP allows only 'self').
import { initAll } from './govuk-frontend.min.js'

initAll()

// Progressive enhancement only: every page works without this script.
import { initAll } from '../build/govuk-frontend.min.js'

initAll()

// Panels open by default (so they work without this script) that a phone shows closed, so
// the results come first: the action log's filters.
if (window.matchMedia('(max-width: 40.0525em)').matches) {
  document.querySelectorAll('details[data-app-closed-on-phone]').forEach((details) => {
    details.open = false
  })
}

// Print buttons: hidden until this script can make them work.
document.querySelectorAll('[data-module="app-print-button"]').forEach((button) => {
  button.hidden = false
  button.addEventListener('click', () => window.print())
})

// The API reference page's own stylesheet: swagger-ui's light colours, darkened where its text on them is too faint.

/**
 * swagger-ui's method badges (white on light green, blue, orange, red, teal), version badges, links and buttons fall
 * short of the 4.5:1 contrast WCAG AA asks of text: these are the same hues, dark enough for it. Its dark mode
 * (`html.dark-mode`) is more specific than these rules, and keeps its own colours. An example is shown whole rather
 * than in a box of its own that scrolls, which a keyboard could not reach.
 */
export const DOCS_THEME_CSS = `
.swagger-ui .opblock.opblock-post .opblock-summary-method { background: #187a47; }
.swagger-ui .opblock.opblock-get .opblock-summary-method { background: #1565c0; }
.swagger-ui .opblock.opblock-put .opblock-summary-method { background: #9a4d00; }
.swagger-ui .opblock.opblock-delete .opblock-summary-method { background: #c62828; }
.swagger-ui .opblock.opblock-patch .opblock-summary-method { background: #00735f; }
.swagger-ui .info .title small { background: #5d6370; }
.swagger-ui .info .title small.version-stamp { background-color: #4a7000; }
.swagger-ui .info a { color: #1f69c0; }
.swagger-ui .btn.authorize, .swagger-ui .btn.authorize svg { border-color: #187a47; color: #187a47; }
.swagger-ui .btn.execute { background-color: #1f69c0; border-color: #1f69c0; }
.swagger-ui .btn.cancel { border-color: #b3261e; color: #b3261e; }
.swagger-ui .download-contents { background: #5d6370; }
.swagger-ui .highlight-code > .microlight { max-height: none; }
`;

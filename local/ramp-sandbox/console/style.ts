/** The console's stylesheet, served as /console/console.css (no external assets). */
export const CONSOLE_CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d1d1f; background: #fafaf7; }
header { background: #1d1d1f; color: #f4f4ef; padding: 8px 16px; display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
header nav { display: flex; gap: 4px; }
header a { color: #f4f4ef; text-decoration: none; }
.tab { padding: 4px 10px; border-radius: 4px; }
.tab.on { background: #e4f222; color: #1d1d1f; }
main { padding: 8px 16px 32px; }
table { border-collapse: collapse; margin: 8px 0; background: #fff; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.error td { background: #fff1f0; }
tr.inactive td { color: #888; }
.message { white-space: pre-wrap; max-width: 40em; }
.muted { color: #777; }
.bad { color: #b00020; }
.warn { color: #8a5a00; }
.ok { color: #1b6e20; }
#flash { padding: 0 16px; min-height: 1.4em; }
.chip { display: inline-block; padding: 1px 8px; margin: 2px; border: 1px solid #ccc; border-radius: 10px; text-decoration: none; color: inherit; }
.chip.on { background: #1d1d1f; color: #fff; }
button { padding: 3px 10px; }
button.danger { border-color: #b00020; color: #b00020; }
.sync-request { margin: 6px 0; padding: 6px; background: #fff; border: 1px solid #ddd; max-width: 48em; }
.sync-request progress { width: 100%; }
.sync-request[data-state="done"] .summary { font-weight: 600; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; }
dl.facts dt { color: #777; }
ul.codings { margin: 0; padding-left: 1.2em; }
.field { color: #555; }
pre { background: #fff; border: 1px solid #ddd; padding: 8px; overflow: auto; max-height: 30em; }
`;

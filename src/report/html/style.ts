/** The report's stylesheet, inlined: system fonts only, so nothing is fetched. */
export const REPORT_CSS = `
:root { color-scheme: light; --ink: #1d2329; --muted: #5b6670; --rule: #d8dde2; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: var(--ink); background: #f6f7f8; }
header, main > section { max-width: 1280px; margin: 0 auto; padding: 12px 20px; }
header { border-bottom: 1px solid var(--rule); background: #fff; max-width: none; }
h1 { font-size: 22px; margin: 4px 0; }
h2 { font-size: 19px; margin: 18px 0 4px; }
h3 { font-size: 16px; margin: 14px 0 4px; }
.sub { color: var(--muted); margin: 2px 0 8px; }
pre.command { background: #eef1f4; padding: 8px 10px; border-radius: 4px; white-space: pre-wrap; word-break: break-all; font-size: 13px; }
section.view, section.index, section.model { background: #fff; border: 1px solid var(--rule); border-radius: 6px; margin: 16px auto; }
.viewer { position: relative; height: 70vh; min-height: 320px; background: #20242a; border-radius: 4px; overflow: hidden; }
.viewer canvas { width: 100%; height: 100%; display: block; cursor: grab; touch-action: none; }
.viewer canvas:active { cursor: grabbing; }
.viewer img.raster { display: none; }
.tools { position: absolute; top: 8px; right: 8px; display: flex; gap: 4px; align-items: center; }
.tools button { font: inherit; min-width: 34px; padding: 3px 8px; border: 1px solid #888; border-radius: 4px; background: rgba(255,255,255,0.9); cursor: pointer; }
.tools .zoom { color: #fff; background: rgba(0,0,0,0.5); padding: 2px 6px; border-radius: 4px; font-size: 13px; }
.pick { color: var(--muted); font-size: 13px; margin: 4px 0; min-height: 1.4em; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; margin: 6px 0 10px; }
.key { display: inline-flex; align-items: center; gap: 6px; font-size: 14px; }
.swatch { display: inline-block; width: 18px; height: 12px; background: #20242a; }
.swatch.box { border: 2px solid var(--c); }
.swatch.dash { background: linear-gradient(90deg, var(--c) 60%, transparent 60%) #20242a; background-size: 8px 2px; background-repeat: repeat-x; background-position: 0 50%; }
.swatch.band { background: var(--c); outline: 1px solid #20242a; }
.tables { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
table { border-collapse: collapse; font-size: 14px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { padding: 3px 10px; border-bottom: 1px solid var(--rule); text-align: left; white-space: pre; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.bad td { color: #a3261b; }
.plot svg { max-width: 100%; height: auto; display: block; }
.warnings { background: #fff6e0; border: 1px solid #e7c36a; border-radius: 4px; padding: 4px 12px; margin: 10px 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; }
dt { color: var(--muted); }
dd { margin: 0; }
`;

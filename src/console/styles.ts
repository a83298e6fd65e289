// The console's one stylesheet, served as /console/assets/console.css so the
// Content-Security-Policy can forbid inline styles and every script.
export const CONSOLE_CSS = `
:root{--fg:#1c2430;--muted:#5b6675;--line:#d9dee5;--bg:#f5f7fa;--card:#fff;--brand:#0f4c81;--ok:#1b7f3b;--okbg:#e3f4e8;--bad:#b42318;--badbg:#fde8e6;--warn:#9a5b00;--warnbg:#fff2d6;--hold:#6b3fa0;--holdbg:#efe6fa;--info:#33597a;--infobg:#e6eef6}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--brand)}
header.top{display:flex;align-items:center;gap:18px;padding:8px 20px;background:var(--brand);color:#fff}
header.top a{color:#fff;text-decoration:none}
header.top .brand{font-weight:700;font-size:16px;letter-spacing:.2px}
header.top nav{display:flex;gap:4px}
header.top nav a{padding:6px 10px;border-radius:6px}
header.top nav a.active,header.top nav a:hover{background:rgba(255,255,255,.18)}
header.top .spacer{flex:1}
header.top .who{font-size:13px;opacity:.95;text-align:right}
header.top form{display:inline;margin:0}
header.top button{background:transparent;border:1px solid rgba(255,255,255,.6);color:#fff;border-radius:6px;padding:3px 8px;cursor:pointer;font:inherit;font-size:12px}
.envbar{padding:4px 20px;font-size:12px;background:#fff6d9;border-bottom:1px solid #f0dca0;color:#6b5100}
.envbar.live{background:#e8f1fb;border-color:#c4d8ef;color:#0f3d66}
.envbar form{display:inline}
.envbar button{font:inherit;font-size:12px;background:none;border:none;color:inherit;text-decoration:underline;cursor:pointer;padding:0}
main{max-width:1240px;margin:0 auto;padding:18px 20px 40px}
h1{font-size:20px;margin:0 0 12px}
h1.mono{font-size:18px;font-weight:600}
.card>h2:first-child,.card>input+h2{margin-top:0}
h2{font-size:16px;margin:22px 0 8px}
h3{font-size:14px;margin:12px 0 6px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 16px;margin-bottom:14px}
table{width:100%;border-collapse:collapse;background:var(--card)}
th,td{text-align:left;padding:7px 9px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12px;color:var(--muted);font-weight:600;background:#fafbfc}
tr:last-child td{border-bottom:none}
.table-wrap{border:1px solid var(--line);border-radius:8px;overflow:hidden;margin-bottom:14px}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
.muted{color:var(--muted)}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;white-space:nowrap;background:#eceff3;color:#3b4552}
.b-approved,.b-VALID,.b-baixo,.b-resolved,.b-ready,.b-ok{background:var(--okbg);color:var(--ok)}
.b-rejected,.b-INVALID,.b-alto,.b-critico,.b-error,.b-failed,.b-bad{background:var(--badbg);color:var(--bad)}
.b-review,.b-medio,.b-pending_approval,.b-loading,.b-partial,.b-warn{background:var(--warnbg);color:var(--warn)}
.b-hold,.b-in_review{background:var(--holdbg);color:var(--hold)}
.b-ERROR{background:var(--badbg);color:var(--bad)}
.b-info,.b-NO_DATA,.b-open,.b-empty{background:var(--infobg);color:var(--info)}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:10px;margin-bottom:12px}
.card .grid{margin-bottom:0}
.kv{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:9px 12px}
.kv .k{font-size:11.5px;color:var(--muted);text-transform:uppercase;letter-spacing:.3px}
.kv .v{font-size:15px;font-weight:600;margin-top:2px}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:14px}
@media (max-width:900px){.cols{grid-template-columns:1fr}}
form.filters{display:flex;flex-wrap:wrap;gap:10px;align-items:flex-end;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 12px;margin-bottom:14px}
label{display:block;font-size:12px;color:var(--muted);margin-bottom:3px}
input,select,textarea{font:inherit;padding:6px 8px;border:1px solid #b9c1cc;border-radius:6px;background:#fff;color:var(--fg)}
textarea{width:100%;min-height:80px}
button,.button{font:inherit;padding:6px 14px;border-radius:6px;border:1px solid var(--brand);background:var(--brand);color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary,.button.secondary{background:#fff;color:var(--brand)}
button:disabled{opacity:.45;cursor:not-allowed}
button.danger{background:var(--bad);border-color:var(--bad)}
.actions{display:flex;gap:8px;flex-wrap:wrap;align-items:center}
.actions form{margin:0}
.tabs{display:flex;gap:6px;margin-bottom:12px;flex-wrap:wrap}
.tabs a{padding:6px 12px;border-radius:16px;border:1px solid var(--line);background:#fff;text-decoration:none;color:var(--fg)}
.tabs a.active{background:var(--brand);color:#fff;border-color:var(--brand)}
.notice{padding:10px 12px;border-radius:8px;margin-bottom:14px;border:1px solid}
.notice.ok{background:var(--okbg);border-color:#b5dfc1;color:var(--ok)}
.notice.bad{background:var(--badbg);border-color:#f4bdb6;color:var(--bad)}
.notice.warn{background:var(--warnbg);border-color:#f0d49a;color:var(--warn)}
.notice.info{background:var(--infobg);border-color:#c3d4e5;color:var(--info)}
.finding{border-left:4px solid var(--line);padding:6px 10px;margin:6px 0;background:#fff}
.finding.s-critico,.finding.s-alto{border-color:var(--bad)}
.finding.s-medio{border-color:#e0a21b}
.finding.s-baixo{border-color:#7aa7cf}
.timeline{list-style:none;margin:0;padding:0}
.timeline li{position:relative;padding:6px 0 10px 22px;border-left:2px solid var(--line);margin-left:6px}
.timeline li::before{content:"";position:absolute;left:-7px;top:9px;width:12px;height:12px;border-radius:50%;background:var(--brand)}
.side{display:grid;grid-template-columns:1fr 1fr;gap:0;border:1px solid var(--line);border-radius:8px;overflow:hidden;margin-bottom:10px;background:#fff}
.side>div{padding:10px 12px}
.side>div+div{border-left:1px solid var(--line)}
.side dl{display:grid;grid-template-columns:max-content 1fr;gap:3px 10px;margin:6px 0 0}
.side dt{color:var(--muted);font-size:12px}
.side dd{margin:0}
fieldset{border:1px solid var(--line);border-radius:8px;padding:8px 12px;margin:0 0 10px}
legend{font-size:12px;color:var(--muted);padding:0 4px}
.radio{display:inline-flex;gap:5px;align-items:center;margin-right:14px;color:var(--fg);font-size:14px}
.pager{display:flex;justify-content:flex-end;gap:8px}
.center{max-width:520px;margin:70px auto}
`;

/** The tab icon (the browser otherwise asks for /favicon.ico, which the API answers 404). */
export const CONSOLE_FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0f4c81"/><path d="M9 7h4v8l7-8h5l-8 9 8 9h-5l-7-8v8H9z" fill="#fff"/></svg>`;

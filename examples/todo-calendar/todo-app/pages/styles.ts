/**
 * The apps' stylesheet, served as /assets/app.css (the CSP allows style-src 'self' only).
 * Two lane colours run through every page: violet for the ID token, teal for the access token.
 */
export const APP_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%;color-scheme:light}
:root{
  --ink:#1d2433;--muted:#566072;--line:#dde1e7;--bg:#f4f5f7;--card:#fff;--primary:#1f5fbf;
  --id:#6d3fc0;--id-bg:#f5f0ff;--id-line:#d8c9f5;
  --at:#0b6e66;--at-bg:#eaf7f5;--at-line:#b3e0d9;
  --bad:#b42318;--bad-bg:#fef3f2;--bad-line:#f5c2bd;--good:#17663a;--good-bg:#edf8f0;--good-line:#b7e0c4;
  --mono:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;
}
body{margin:0;background:var(--bg);color:var(--ink);font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue","Noto Sans","Liberation Sans",Arial,sans-serif}
a{color:var(--primary);text-underline-offset:2px}
:focus-visible{outline:3px solid var(--primary);outline-offset:2px}
code,pre,.mono{font-family:var(--mono);font-size:.8125rem}
h1{margin:0 0 6px;font-size:1.625rem;line-height:1.25;letter-spacing:-.01em}
h2{margin:0 0 10px;font-size:1.125rem;line-height:1.35}
h3{margin:0 0 6px;font-size:1rem}
p{margin:0 0 14px}
.muted{color:var(--muted)}
.small{font-size:.875rem}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}

.topbar{background:#fff;border-bottom:1px solid var(--line)}
.topbar-inner{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:8px 16px;max-width:1100px;margin:0 auto;padding:12px 20px}
.brand{display:flex;align-items:center;gap:10px;font-weight:650;color:var(--ink);text-decoration:none}
.brand-mark{display:inline-flex;align-items:center;justify-content:center;width:30px;height:30px;border-radius:8px;background:var(--primary);color:#fff;font-weight:700}
.nav{display:flex;flex-wrap:wrap;align-items:center;gap:4px 6px;margin:0;padding:0;list-style:none}
.nav a{display:inline-block;padding:6px 10px;border-radius:8px;color:var(--ink);text-decoration:none;font-weight:500}
.nav a:hover{background:var(--bg)}
.nav a[aria-current=page]{background:#e8eefa;color:#173f80}
.nav form{margin:0}

.page{max-width:820px;margin:0 auto;padding:28px 20px 56px}
.page.wide{max-width:1100px}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:22px 24px;margin:0 0 18px;box-shadow:0 1px 2px rgba(16,24,40,.04);overflow-wrap:anywhere}
.card>:last-child{margin-bottom:0}
.lead{font-size:1.0625rem;color:#3a4254;max-width:62ch}

.btn{display:inline-flex;align-items:center;justify-content:center;min-height:44px;padding:9px 16px;border-radius:8px;border:1px solid transparent;font:inherit;font-weight:600;line-height:1.25;text-decoration:none;cursor:pointer;text-align:center}
.btn-primary{background:var(--primary);color:#fff;border-color:var(--primary)}
.btn-primary:hover{background:#194f9f}
.btn-secondary{background:#fff;color:var(--ink);border-color:#8a93a3}
.btn-secondary:hover{background:var(--bg)}
.btn-quiet{min-height:36px;padding:6px 10px;background:transparent;color:var(--ink);border-color:var(--line);font-weight:500}
.btn-quiet:hover{background:var(--bg)}
.btn-small{min-height:36px;padding:6px 12px;font-size:.875rem}
.btn-id{background:var(--id);color:#fff;border-color:var(--id)}
.btn-id:hover{background:#5a32a3}
.btn-at{background:var(--at);color:#fff;border-color:var(--at)}
.btn-at:hover{background:#095a53}
.btn-replay{background:#fff;color:var(--bad);border-color:var(--bad)}
.btn-replay:hover{background:var(--bad-bg)}

.hello{display:flex;align-items:center;gap:16px}
.avatar{flex:none;width:56px;height:56px;border-radius:50%;background:var(--id-bg);border:2px solid var(--id-line)}
.hello h1{margin:0 0 2px}
.hello p{margin:0}
.lane-note{margin:14px 0 0;padding:10px 12px;border-left:4px solid var(--id);background:var(--id-bg);border-radius:0 8px 8px 0;font-size:.9375rem}
.lane-note.at{border-left-color:var(--at);background:var(--at-bg)}

.notice{margin:0 0 18px;padding:14px 16px;border:1px solid;border-left-width:4px;border-radius:8px}
.notice h2{margin:0 0 4px;font-size:1rem}
.notice p{margin:0 0 8px}
.notice>:last-child{margin-bottom:0}
.notice.error{background:var(--bad-bg);border-color:var(--bad-line);border-left-color:var(--bad);color:#7a1a12}
.notice.ok{background:var(--good-bg);border-color:var(--good-line);border-left-color:var(--good);color:#0f4527}
.answer{margin:8px 0 0;padding:10px 12px;background:rgba(255,255,255,.7);border:1px solid rgba(0,0,0,.08);border-radius:8px;color:var(--ink)}
.answer dt{font-weight:600;font-size:.8125rem;color:var(--muted);margin:6px 0 2px}
.answer dt:first-child{margin-top:0}
.answer dd{margin:0;font-family:var(--mono);font-size:.8125rem}

.add-todo{display:grid;grid-template-columns:1fr 170px auto;gap:10px;align-items:end;margin:0 0 16px}
.field label{display:block;margin:0 0 4px;font-weight:600;font-size:.875rem}
.field input{display:block;width:100%;height:44px;padding:9px 11px;font:inherit;color:inherit;background:#fff;border:1px solid #7b8494;border-radius:8px}
.list{margin:0;padding:0;list-style:none;border-top:1px solid var(--line)}
.list li{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:8px 14px;padding:11px 0;border-bottom:1px solid var(--line)}
.list .what{min-width:0;flex:1 1 200px}
.list .title{display:block;font-weight:550}
.list .when{display:block;color:var(--muted);font-size:.875rem}
.list form{margin:0}
.empty{margin:0;padding:14px 0 0;color:var(--muted);border-top:1px solid var(--line)}
.badge{display:inline-block;padding:3px 9px;border-radius:999px;font-size:.8125rem;font-weight:600;background:var(--good-bg);color:var(--good);border:1px solid var(--good-line)}
.source{display:flex;flex-wrap:wrap;gap:6px 12px;align-items:baseline;margin:-4px 0 14px;font-size:.875rem;color:var(--muted)}
.scopes{display:inline-flex;flex-wrap:wrap;gap:6px}
.scope{padding:1px 8px;border-radius:999px;background:var(--at-bg);border:1px solid var(--at-line);color:var(--at);font-family:var(--mono);font-size:.75rem}

.glance{display:grid;grid-template-columns:150px 1fr 1fr;border:1px solid var(--line);border-radius:10px;overflow:hidden;margin:4px 0 0}
.glance>div{padding:10px 12px;border-bottom:1px solid var(--line);min-width:0}
.glance>div:nth-last-child(-n+3){border-bottom:0}
.glance .aspect{font-weight:600;background:#fafbfc;font-size:.9375rem}
.glance .col-id{background:var(--id-bg)}
.glance .col-at{background:var(--at-bg)}
.glance .head{font-weight:700}
.glance .head.col-id{color:var(--id)}
.glance .head.col-at{color:var(--at)}
.glance code{font-size:.8125rem}

.lanes{display:grid;grid-template-columns:1fr 1fr;gap:18px;align-items:start}
.token{border-top:6px solid}
.token.id{border-top-color:var(--id)}
.token.at{border-top-color:var(--at)}
.token-kicker{margin:0 0 2px;font-size:.8125rem;font-weight:700;letter-spacing:.04em;text-transform:uppercase}
.token.id .token-kicker{color:var(--id)}
.token.at .token-kicker{color:var(--at)}
.claims{margin:12px 0 0;padding:0;list-style:none}
.claims li{padding:9px 10px;border-bottom:1px solid var(--line)}
.claims li.key{border-radius:8px;border-bottom-color:transparent;margin:0 0 2px}
.token.id .claims li.key{background:var(--id-bg)}
.token.at .claims li.key{background:var(--at-bg)}
.claims .row{display:flex;flex-wrap:wrap;gap:2px 10px;align-items:baseline}
.claims .name{font-weight:700;color:var(--ink)}
.claims .value{color:#2a3346;overflow-wrap:anywhere}
.claims .absent{color:var(--muted);font-style:italic;font-family:inherit}
.claims .note{margin:3px 0 0;font-size:.875rem;color:var(--muted)}
.section-label{margin:16px 0 0;font-size:.8125rem;font-weight:700;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
details{margin:14px 0 0}
summary{cursor:pointer;font-weight:600;font-size:.9375rem}
.raw{display:block;margin:8px 0 0;padding:10px;background:#f6f7f9;border:1px solid var(--line);border-radius:8px;font-size:.75rem;word-break:break-all;white-space:pre-wrap}
.token-life{margin:12px 0 0;font-size:.875rem;color:var(--muted)}

.tries{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:12px;margin:14px 0 0}
.tries form{margin:0}
.tries .btn{width:100%}
.result{margin:18px 0 0;padding:16px;border-radius:10px;border:1px solid var(--line);background:#fbfbfc}
.status{display:inline-block;margin:0 0 10px;padding:4px 10px;border-radius:8px;font-weight:700;font-family:var(--mono)}
.status.refused{background:var(--bad-bg);color:var(--bad);border:1px solid var(--bad-line)}
.status.accepted{background:var(--good-bg);color:var(--good);border:1px solid var(--good-line)}
.exchange{margin:0}
.exchange dt{margin:10px 0 3px;font-weight:600;font-size:.875rem}
.exchange dd{margin:0}
.exchange pre,.exchange .line{margin:0;padding:8px 10px;background:#fff;border:1px solid var(--line);border-radius:8px;font-family:var(--mono);font-size:.8125rem;white-space:pre-wrap;overflow-wrap:anywhere}
.key-facts{display:grid;grid-template-columns:max-content 1fr;gap:8px 16px;align-items:baseline;margin:0;padding:12px 14px;background:var(--at-bg);border:1px solid var(--at-line);border-radius:8px}
.key-facts dt{font-weight:600;font-size:.875rem}
.key-facts dd{margin:0;display:flex;flex-wrap:wrap;gap:4px 10px;align-items:baseline;min-width:0}
.key-facts code{word-break:break-all}
.match{padding:1px 8px;border-radius:999px;font-size:.8125rem;font-weight:600}
.match.same{background:var(--good-bg);color:var(--good);border:1px solid var(--good-line)}
.match.differs{background:var(--bad-bg);color:var(--bad);border:1px solid var(--bad-line)}
.explain{margin:14px 0 0;padding:12px 14px;border-left:4px solid var(--primary);background:#eef3fc;border-radius:0 8px 8px 0}

.portal-actions{display:flex;flex-wrap:wrap;gap:10px;margin:0 0 12px}
.portal-actions form{margin:0}

.footer{max-width:1100px;margin:0 auto;padding:0 20px 32px;color:var(--muted);font-size:.8125rem}

@media (max-width:760px){
  .lanes,.tries,.key-facts{grid-template-columns:1fr}
  .key-facts dt:not(:first-child){margin-top:6px}
  .glance{grid-template-columns:1fr 1fr}
  .glance .aspect{grid-column:1 / -1;border-bottom:0;padding-bottom:2px;background:#fff}
  .glance .aspect.corner{display:none}
}
@media (max-width:560px){
  .page{padding:18px 12px 40px}
  .card{padding:18px 16px}
  .topbar-inner{padding:10px 12px}
  h1{font-size:1.375rem}
  .add-todo{grid-template-columns:1fr}
  .add-todo .btn{width:100%}
  .hello{align-items:flex-start}
  .result{padding:12px}
  .avatar{width:48px;height:48px}
}
`;

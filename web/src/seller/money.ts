import { ApiError, qs, randomKey } from '../lib/api.js';
import { type Child, type Field, field, fill, h } from '../lib/dom.js';
import { FormErrors } from '../lib/form-errors.js';
import { count, dateTimeVn, money } from '../lib/format.js';
import { table } from '../lib/table.js';
import { uploadFile } from '../lib/upload.js';
import { pagedList } from '../lib/pager.js';
import { errorBox, errorText, titled, toast } from '../lib/ui.js';
import { ORDER_STATUS } from '../shop/labels.js';
import type { Seller } from './context.js';
import type { Balance, Decision, LedgerJournal, Order, Page, Refund, StatementImport, Transfer, TransferDetail } from './types.js';

export const OUTCOMES: Record<string, string> = {
  pending: 'Đang xử lý',
  paid: 'Đã trả cho đơn',
  underpaid: 'Chuyển thiếu',
  overpaid: 'Chuyển thừa – phải hoàn phần thừa',
  late: 'Đến sau khi đơn hết hạn – phải hoàn',
  stall_credit: 'Tiền của quầy chợ',
  unmatched: 'Chưa khớp với đơn nào',
  ignored: 'Đã để riêng',
  outgoing: 'Tiền ra',
  reversal: 'Ngân hàng đảo giao dịch',
};

const ACTIONS: Record<Decision['action'], string> = { match: 'Khớp với đơn', ignore: 'Để riêng', reopen: 'Mở lại' };
const ACTORS: Record<string, string> = { cooperative: 'hợp tác xã', admin: 'quản trị viên' };

const JOURNALS: Record<string, string> = {
  card_payment: 'Thanh toán bằng thẻ',
  card_refund: 'Hoàn tiền về thẻ',
  vietqr_overpayment: 'Người mua chuyển thừa',
  vietqr_late_payment: 'Chuyển khoản đến sau khi đơn hết hạn',
  vietqr_refund_owed: 'Hoàn tiền chuyển khoản (phải trả người mua)',
  manual_match_reversal: 'Hoàn tác một lần khớp tay',
  bank_reversal: 'Ngân hàng hoàn lại một khoản đã ghi có',
};

const ACCOUNTS: Record<string, string> = {
  stripe_clearing: 'Tiền thẻ tại cổng thanh toán',
  cooperative_payable: 'Sàn giữ hộ đơn vị',
  due_from_cooperative: 'Đơn vị phải hoàn (tiền đang ở tài khoản đơn vị)',
  buyer_refunds_owed: 'Phải trả lại người mua',
};

/** `/seller/money`: balance, transfers to match, transfers received, refunds owed, ledger, statement upload. */
export async function moneyPage(view: HTMLElement, s: Seller): Promise<void> {
  titled('Tiền hàng');
  const sections = {
    balance: h('section', { class: 'panel', id: 'balance', 'aria-labelledby': 'balance-h' }),
    unmatched: h('section', { class: 'panel', id: 'unmatched', 'aria-labelledby': 'unmatched-h' }),
    owed: h('section', { class: 'panel', id: 'refunds-owed', 'aria-labelledby': 'owed-h' }),
    transfers: h('section', { class: 'panel', id: 'transfers', 'aria-labelledby': 'transfers-h' }),
    statement: statementSection(s, () => void reload()),
    ledger: h('section', { class: 'panel', id: 'ledger', 'aria-labelledby': 'ledger-h' }),
  };
  fill(view,
    h('h1', null, 'Tiền hàng'),
    h('p', { class: 'muted' }, `Tài khoản nhận tiền: ${s.coop.bankAccount.bankName} · ${s.coop.bankAccount.accountNumber} · ${s.coop.bankAccount.accountName}`),
    ...Object.values(sections),
  );
  // After a decision or an import, the figures are read again; the queue keeps the decided
  // transfers in place with their outcome and trail (a statement import reloads it too).
  const figures = () =>
    Promise.all([balanceSection(s, sections.balance), owedSection(s, sections.owed), transfersSection(s, sections.transfers), ledgerSection(s, sections.ledger)]);
  const queue = () => unmatchedSection(s, sections.unmatched, () => void figures());
  const reload = async () => {
    await Promise.all([queue(), figures()]);
  };
  await reload();
}

function card(key: string, label: string, value: string, sub: string): HTMLElement {
  return h('li', { class: 'stat-card', 'data-card': key }, h('p', { class: 'stat-label' }, label), h('p', { class: 'stat-value' }, value), h('p', { class: 'stat-sub' }, sub));
}

async function balanceSection(s: Seller, box: HTMLElement): Promise<void> {
  const head = h('h2', { id: 'balance-h' }, 'Số dư với sàn');
  try {
    const b = await s.call<Balance>(`${s.coopPath}/balance`);
    fill(box, head,
      h('ul', { class: 'cards', 'aria-label': 'Số dư' },
        card('held', 'Sàn giữ hộ (tiền thẻ)', money(b.heldForCooperativeVnd), 'tiền người mua trả bằng thẻ, sàn sẽ chuyển cho đơn vị'),
        card('owed', 'Phải trả người mua', money(b.owedToBuyersVnd), 'hoàn tiền, chuyển thừa, chuyển muộn'),
        card('due', 'Đơn vị phải tự hoàn', money(b.dueFromCooperativeVnd), 'phần tiền phải trả đang nằm ở tài khoản của đơn vị'),
        card('net', b.netPayableVnd >= 0 ? 'Sàn sẽ chuyển cho đơn vị' : 'Đơn vị còn phải trả', money(Math.abs(b.netPayableVnd)), 'giữ hộ trừ phải tự hoàn'),
      ),
    );
  } catch (e) {
    fill(box, head, errorBox(errorText(e)));
  }
}

/** The decisions people took on a transfer (the audit trail), oldest first. */
function trail(decisions: Decision[]): HTMLElement {
  if (!decisions.length) return h('p', { class: 'muted' }, 'Hệ thống tự xử lý; chưa ai quyết định tay.');
  return h('ol', { class: 'audit-trail' }, ...decisions.map((d) =>
    h('li', null,
      h('strong', null, ACTIONS[d.action] ?? d.action),
      ` · ${dateTimeVn(d.createdAt)} · bởi ${ACTORS[d.actorRole] ?? d.actorRole} (khóa ${d.actorKeyId.slice(0, 8)})`,
      d.reason ? h('span', { class: 'reason' }, ` · Lý do: ${d.reason}`) : null,
      ` · trước đó: ${OUTCOMES[d.previousOutcome] ?? d.previousOutcome}`,
    )));
}

function transferHead(t: Transfer): Child[] {
  return [
    h('p', { class: 'transfer-amount' }, h('strong', null, money(t.amountVnd)), h('span', { class: 'muted' }, ` · ${dateTimeVn(t.bookedAt)}${t.gateway ? ` · ${t.gateway}` : ''}`)),
    h('p', { class: 'transfer-memo' }, h('span', { class: 'muted' }, 'Nội dung: '), h('span', { class: 'mono' }, t.content || '(trống)')),
  ];
}

/** Orders a transfer can pay: waiting for payment, or expired (the money then is "late"). */
async function candidateOrders(s: Seller): Promise<Order[]> {
  const [pending, expired] = await Promise.all(
    ['pending_payment', 'expired'].map((status) => s.call<Page<Order>>(`${s.coopPath}/orders${qs({ status, limit: 100 })}`).then((p) => p.items)),
  );
  return [...pending, ...expired];
}

async function unmatchedSection(s: Seller, box: HTMLElement, changed: () => void): Promise<void> {
  const head = h('h2', { id: 'unmatched-h' }, 'Chuyển khoản chưa khớp');
  let items: Transfer[];
  let orders: Order[];
  try {
    [items, orders] = await Promise.all([
      s.call<Page<Transfer>>(`/reconciliation/unmatched${qs({ accountNumber: s.coop.bankAccount.accountNumber, limit: 100 })}`).then((p) => p.items),
      candidateOrders(s),
    ]);
  } catch (e) {
    fill(box, head, errorBox(errorText(e)));
    return;
  }
  fill(box, head,
    h('p', { class: 'hint' }, 'Tiền đã vào tài khoản của đơn vị nhưng hệ thống không biết là của đơn nào (thường do người mua ghi sai nội dung). Khớp với đúng đơn, hoặc để riêng kèm lý do. Mọi quyết định đều được ghi lại.'),
    items.length
      ? h('ul', { class: 'item-list', id: 'unmatched-list' }, ...items.map((t) => unmatchedItem(s, t, orders, changed)))
      : h('p', { class: 'muted', id: 'unmatched-list' }, 'Không có chuyển khoản nào cần xử lý.'),
  );
}

function unmatchedItem(s: Seller, t: Transfer, orders: Order[], changed: () => void): HTMLElement {
  const li = h('li', { class: 'item transfer', 'data-transfer-id': t.id });
  const sid = t.id.slice(0, 8);
  // Orders of the same amount first: the likeliest.
  const sorted = [...orders].sort((a, b) => Number(a.totalVnd !== t.amountVnd) - Number(b.totalVnd !== t.amountVnd));
  const orderSel = h('select', { id: `match-order-${sid}`, name: 'orderId', required: true },
    h('option', { value: '' }, orders.length ? '— Chọn đơn hàng —' : 'Không có đơn nào đang chờ thanh toán'),
    ...sorted.map((o) => h('option', { value: o.id }, `${o.code} · ${o.buyer.name} · ${money(o.totalVnd)} · ${ORDER_STATUS[o.status] ?? o.status}`)),
  );
  const matchReason = h('input', { id: `match-reason-${sid}`, name: 'reason', maxlength: 500, autocomplete: 'off' });
  const ignoreReason = h('input', { id: `ignore-reason-${sid}`, name: 'reason', maxlength: 500, required: true, autocomplete: 'off' });
  const mf: Record<string, Field> = { orderId: field('Đơn hàng', orderSel), reason: field('Ghi chú (không bắt buộc)', matchReason) };
  const igf: Record<string, Field> = { reason: field('Lý do để riêng', ignoreReason, 'Ví dụ: tiền người thân chuyển, không phải tiền hàng.') };
  const mErr = new FormErrors(mf);
  const iErr = new FormErrors(igf);
  const done = (d: TransferDetail, what: string) => {
    toast(what);
    fill(li, ...transferHead(d), h('p', { class: 'alert alert-info', role: 'status' }, what), h('h3', { class: 'h4' }, 'Lịch sử xử lý'), trail(d.decisions));
    li.classList.add('decided');
    changed();
  };
  let matchKey: { body: string; key: string } | undefined;
  const matchForm = h('form', { class: 'match-form', novalidate: true }, mErr.summary, mf.orderId.wrap, mf.reason.wrap, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Khớp'));
  matchForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (mErr.show(orderSel.value ? [] : [{ field: 'orderId', msg: 'Vui lòng chọn đơn hàng.' }])) return;
    const body = { orderId: orderSel.value, ...(matchReason.value.trim() ? { reason: matchReason.value.trim() } : {}) };
    const json = JSON.stringify(body);
    if (!matchKey || matchKey.body !== json) matchKey = { body: json, key: randomKey() };
    try {
      const d = await s.call<TransferDetail>(`/reconciliation/transactions/${encodeURIComponent(t.id)}/match`, { method: 'POST', json: body, headers: { 'Idempotency-Key': matchKey.key } });
      const o = orders.find((x) => x.id === d.orderId);
      done(d, `Đã khớp ${money(t.amountVnd)} với đơn ${o?.code ?? ''}: ${OUTCOMES[d.outcome] ?? d.outcome}.`);
    } catch (err) {
      mErr.fromApi(err);
    }
  });
  const ignoreForm = h('form', { class: 'ignore-form', novalidate: true }, iErr.summary, igf.reason.wrap, h('button', { type: 'submit', class: 'btn' }, 'Để riêng'));
  ignoreForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const reason = ignoreReason.value.trim();
    if (iErr.show(reason ? [] : [{ field: 'reason', msg: 'Vui lòng ghi lý do để riêng.' }])) return;
    try {
      done(await s.call<TransferDetail>(`/reconciliation/transactions/${encodeURIComponent(t.id)}/ignore`, { method: 'POST', json: { reason } }), `Đã để riêng ${money(t.amountVnd)}.`);
    } catch (err) {
      iErr.fromApi(err);
    }
  });
  fill(li, ...transferHead(t),
    h('details', { class: 'action' }, h('summary', null, 'Khớp với đơn hàng'), matchForm),
    h('details', { class: 'action' }, h('summary', null, 'Để riêng (không phải tiền đơn hàng)'), ignoreForm),
  );
  return li;
}

/** "Lịch sử xử lý": the audit trail, fetched when opened. */
function historyDetails(s: Seller, t: Transfer): HTMLElement {
  const body = h('div', null, h('p', { class: 'muted' }, 'Đang tải…'));
  const d = h('details', { class: 'history' }, h('summary', null, 'Lịch sử xử lý'), body);
  let loaded = false;
  d.addEventListener('toggle', async () => {
    if (!d.open || loaded) return;
    loaded = true;
    try {
      const detail = await s.call<TransferDetail>(`/reconciliation/transactions/${encodeURIComponent(t.id)}`);
      fill(body, detail.outcomeReason ? h('p', null, `Ghi chú hệ thống: ${detail.outcomeReason}`) : null, trail(detail.decisions));
    } catch (e) {
      loaded = false;
      fill(body, errorBox(errorText(e)));
    }
  });
  return d;
}

async function transfersSection(s: Seller, box: HTMLElement): Promise<void> {
  const list = h('ul', { class: 'item-list', id: 'transfer-list' });
  const pages = pagedList<Transfer>({
    list,
    path: `${s.coopPath}/transfers`,
    limit: 20,
    fetch: s.call,
    noun: 'chuyển khoản',
    empty: 'Chưa nhận chuyển khoản nào.',
    render: (t) =>
      h('li', { class: 'item transfer', 'data-transfer-id': t.id },
        ...transferHead(t),
        h('p', null, h('span', { class: `pill pill-outcome-${t.outcome}` }, OUTCOMES[t.outcome] ?? t.outcome),
          t.orderCode && t.orderId ? [' · đơn ', h('a', { href: `/seller/orders/${encodeURIComponent(t.orderId)}` }, t.orderCode)] : null,
          t.amountToRefundVnd ? ` · phải hoàn ${money(t.amountToRefundVnd)}` : null),
        t.reviewReason ? h('p', { class: 'alert' }, `Cần xem lại: ${t.reviewReason}`) : null,
        historyDetails(s, t),
      ),
  });
  fill(box, h('h2', { id: 'transfers-h' }, 'Tiền đã nhận'), h('p', { class: 'hint' }, 'Mọi chuyển khoản vào tài khoản của đơn vị mà sàn được ngân hàng báo, mới nhất trước.'), pages.info, list, pages.more);
  await pages.load();
}

async function owedSection(s: Seller, box: HTMLElement): Promise<void> {
  const head = h('h2', { id: 'owed-h' }, 'Tiền phải hoàn cho người mua');
  try {
    const [refunds, over, late] = await Promise.all([
      s.call<Page<Refund>>(`${s.coopPath}/refunds${qs({ status: 'owed', limit: 100 })}`),
      s.call<Page<Transfer>>(`${s.coopPath}/transfers${qs({ outcome: 'overpaid', limit: 100 })}`),
      s.call<Page<Transfer>>(`${s.coopPath}/transfers${qs({ outcome: 'late', limit: 100 })}`),
    ]);
    const rows: Child[][] = [
      ...refunds.items.map((r) => [dateTimeVn(r.createdAt), h('a', { href: `/seller/orders/${encodeURIComponent(r.orderId)}` }, r.orderCode), `Hoàn tiền: ${r.reason ?? ''}`, `${r.buyerName} · ${r.buyerPhone}`, money(r.amountVnd)]),
      ...[...over.items, ...late.items].filter((t) => t.amountToRefundVnd > 0).map((t) => [
        dateTimeVn(t.bookedAt),
        t.orderId && t.orderCode ? h('a', { href: `/seller/orders/${encodeURIComponent(t.orderId)}` }, t.orderCode) : '—',
        OUTCOMES[t.outcome] ?? t.outcome,
        `Nội dung: ${t.content}`,
        money(t.amountToRefundVnd),
      ]),
    ];
    fill(box, head,
      h('p', { class: 'hint' }, 'Chuyển khoản trả lại cho người mua từ tài khoản của đơn vị. Chuyển thừa và chuyển muộn: trả lại cho tài khoản đã chuyển.'),
      rows.length ? table('Tiền phải hoàn cho người mua', ['Ngày', 'Đơn', 'Vì sao', 'Trả cho', 'Số tiền'], rows, [4], { id: 'owed-table' }) : h('p', { class: 'muted', id: 'owed-table' }, 'Không có khoản nào phải hoàn.'),
    );
  } catch (e) {
    fill(box, head, errorBox(errorText(e)));
  }
}

async function ledgerSection(s: Seller, box: HTMLElement): Promise<void> {
  const list = h('ol', { class: 'item-list', id: 'ledger-list' });
  const pages = pagedList<LedgerJournal>({
    list,
    path: `${s.coopPath}/ledger`,
    limit: 20,
    fetch: s.call,
    noun: 'bút toán',
    empty: 'Chưa có bút toán nào.',
    render: (j) =>
      h('li', { class: 'item journal' },
        h('p', null, h('strong', null, JOURNALS[j.kind] ?? j.kind), h('span', { class: 'muted' }, ` · ${dateTimeVn(j.createdAt)}`)),
        table(`Bút toán ${JOURNALS[j.kind] ?? j.kind}`, ['Tài khoản', 'Nợ', 'Có'],
          j.lines.map((l) => [ACCOUNTS[l.accountKind] ?? l.accountKind, l.debitVnd ? money(l.debitVnd) : '', l.creditVnd ? money(l.creditVnd) : '']), [1, 2]),
      ),
  });
  fill(box, h('h2', { id: 'ledger-h' }, 'Sổ cái'), h('p', { class: 'hint' }, 'Các bút toán tạo nên số dư ở trên; mỗi bút toán có nợ bằng có, không bao giờ bị sửa hay xóa.'), pages.info, list, pages.more);
  await pages.load();
}

const POLL_MS = 1000;

/** Upload a bank statement with progress, then follow its import until it is done. */
function statementSection(s: Seller, finished: () => void): HTMLElement {
  const picker = h('input', { type: 'file', id: 'statement-file', name: 'file', accept: '.csv,.xml,.txt,.sta,.mt940,.xlsx,.xls,text/csv,application/xml,text/xml,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.ms-excel' });
  const f = field('Tệp sao kê', picker, 'Excel, CSV, camt.053/camt.054 (XML) hoặc MT940 tải từ ngân hàng điện tử của tài khoản nhận tiền. Tải lại cùng một tệp không ghi trùng.');
  const errors = new FormErrors({ file: f });
  const bar = h('progress', { id: 'statement-progress', max: 1, value: 0, hidden: true, 'aria-label': 'Tiến độ tải sao kê' });
  const status = h('div', { id: 'statement-status', role: 'status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Tải lên và đối soát');
  const form = h('form', { class: 'panel', id: 'statement', 'aria-labelledby': 'statement-h', novalidate: true },
    h('h2', { id: 'statement-h' }, 'Tải sao kê ngân hàng'),
    h('p', { class: 'hint' }, 'Khi chưa kết nối ngân hàng tự động, tải sao kê để hệ thống khớp các chuyển khoản với đơn hàng.'),
    errors.summary, f.wrap, submit, bar, status,
  );
  const show = (r: StatementImport) => {
    const counts = `đã đọc ${count(r.linesRead)} dòng · ${count(r.inserted)} giao dịch mới · ${count(r.duplicates)} trùng · ${count(r.matched)} khớp đơn · ${count(r.unmatched)} chưa khớp${r.flagged ? ` · ${count(r.flagged)} cần xem lại` : ''}`;
    if (r.status === 'processing') fill(status, h('p', null, `Đang đối soát ${r.filename}: ${counts}…`));
    else if (r.status === 'completed') fill(status, h('p', { class: 'alert alert-info' }, `Xong ${r.filename}: ${counts}.`));
    else fill(status, errorBox(`Không nhập được ${r.filename}${r.errorLine ? ` (dòng ${r.errorLine})` : ''}: ${r.error ?? 'lỗi không rõ'}`));
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const file = picker.files?.[0];
    if (errors.show(file ? [] : [{ field: 'file', msg: 'Vui lòng chọn tệp sao kê.' }])) return;
    submit.disabled = true;
    bar.hidden = false;
    bar.value = 0;
    fill(status, h('p', null, `Đang tải lên ${file!.name}…`));
    try {
      const account = s.me.role === 'admin' ? { accountNumber: s.coop.bankAccount.accountNumber } : {};
      const started = await uploadFile<StatementImport>(`/reconciliation/statements${qs(account)}`, file!, file!.name, s.session.auth(), (x) => (bar.value = x));
      bar.value = 1;
      let r = started.body;
      show(r);
      while (r.status === 'processing') {
        await new Promise((res) => setTimeout(res, POLL_MS));
        r = await s.call<StatementImport>(`/reconciliation/statements/${encodeURIComponent(r.id)}`);
        show(r);
      }
      if (r.status === 'completed') finished();
    } catch (err) {
      fill(status);
      if (err instanceof ApiError && err.details.length) errors.show(err.details.map((d) => ({ field: 'file', msg: 'Tệp sao kê không hợp lệ.', detail: `${d.field}: ${d.problem}` })));
      else errors.fromApi(err);
    } finally {
      submit.disabled = false;
      bar.hidden = true;
    }
  });
  return form;
}

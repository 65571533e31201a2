#!/usr/bin/env node
// An independent replay of a Jiandu draw ("jiandu-draw-v1" or "jiandu-draw-v2"), written from
// docs/draw.md alone.
// Usage: jiandu draw show 12 --json | node docs/draw-replay.mjs                      (v1)
//        jiandu draw show 12 --json | node docs/draw-replay.mjs draw-12-pool.json    (v2: the pool file)
// Prints the checks and exits 1 on the first mismatch. Uses only Node's built-in crypto.
import { createHash, createHmac } from "node:crypto";
import { readFileSync } from "node:fs";

const DOMAIN = Buffer.from("jiandu-draw-v1", "ascii");
const TWO64 = 1n << 64n;

const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
const u64 = (n) => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(n)); return b; };
const sha256 = (buf) => createHash("sha256").update(buf).digest();

function witnessEncoding(values) {
  const parts = [u32(values.length)];
  for (const v of values) { const raw = Buffer.from(v, "utf8"); parts.push(u32(raw.length), raw); }
  return Buffer.concat(parts);
}

class Stream {
  constructor(key) { this.key = key; this.counter = 0n; this.buf = Buffer.alloc(0); this.pos = 0; }
  nextU64() {
    if (this.pos + 8 > this.buf.length) {
      const block = createHmac("sha256", this.key).update(Buffer.concat([DOMAIN, u64(this.counter)])).digest();
      this.counter += 1n;
      this.buf = Buffer.concat([this.buf.subarray(this.pos), block]);
      this.pos = 0;
    }
    const x = this.buf.readBigUInt64BE(this.pos); this.pos += 8; return x;
  }
  uniform(n) {
    const N = BigInt(n), limit = TWO64 - (TWO64 % N);
    for (;;) { const x = this.nextU64(); if (x < limit) return Number(x % N); }
  }
}

// Code point order (what Python's str comparison does), not UTF-16 order.
const cmpId = (a, b) => {
  const A = [...a].map((c) => c.codePointAt(0)), B = [...b].map((c) => c.codePointAt(0));
  for (let i = 0; i < Math.min(A.length, B.length); i++) if (A[i] !== B[i]) return A[i] - B[i];
  return A.length - B.length;
};

function matches(c, kind, value) {
  if (kind === "specialty") return c.specialties.includes(value);
  if (kind === "local") return c.local;
  return !c.local;
}

function constraints(req) {
  const out = Object.keys(req.specialty_minimums).sort(cmpId)
    .filter((s) => req.specialty_minimums[s] > 0).map((s) => ["specialty", s, req.specialty_minimums[s]]);
  if (req.local_min > 0) out.push(["local", "", req.local_min]);
  if (req.cross_min > 0) out.push(["cross", "", req.cross_min]);
  return out;
}

function draw(pool, req, seed, witnesses) {
  const key = sha256(Buffer.concat([seed, witnessEncoding(witnesses)]));
  const s = new Stream(key);
  const items = [...pool].sort((a, b) => cmpId(a.id, b.id));
  for (let i = items.length - 1; i > 0; i--) { const j = s.uniform(i + 1); [items[i], items[j]] = [items[j], items[i]]; }
  const ordered = items.map((c, i) => [c, i]).sort((a, b) => a[0].prior - b[0].prior || a[1] - b[1]).map((x) => x[0]);
  const want = Math.min(req.k, ordered.length);
  const notes = [];
  if (ordered.length < req.k) notes.push({ code: "pool_short", facts: { needed: req.k, available: ordered.length } });
  const picked = new Set(), list = [];
  for (const [kind, value, minimum] of constraints(req)) {
    let have = list.filter((c) => matches(c, kind, value)).length;
    for (const c of ordered) {
      if (have >= minimum || list.length >= want) break;
      if (!picked.has(c.id) && matches(c, kind, value)) { picked.add(c.id); list.push(c); have++; }
    }
    if (have < minimum) notes.push({ code: `${kind}_unmet`, facts: { constraint: kind, value, minimum, met: have } });
  }
  for (const c of ordered) { if (list.length >= want) break; if (!picked.has(c.id)) { picked.add(c.id); list.push(c); } }
  const order = [...ordered.filter((c) => picked.has(c.id)), ...ordered.filter((c) => !picked.has(c.id))].map((c) => c.id);
  return { order, selected: order.slice(0, want), notes };
}

// Canonical JSON: keys sorted by code point, no whitespace, non-ASCII as is.
function canonical(v) {
  if (Array.isArray(v)) return "[" + v.map(canonical).join(",") + "]";
  if (v !== null && typeof v === "object")
    return "{" + Object.keys(v).sort(cmpId).map((k) => JSON.stringify(k) + ":" + canonical(v[k])).join(",") + "}";
  return JSON.stringify(v);
}
const hex = (buf) => buf.toString("hex");

// ----------------------------------------------------------------------------- v2 (docs/draw.md part II)

const DOMAIN2 = Buffer.from("jiandu-draw-v2", "ascii");

class Shake {
  // stream = SHAKE256("jiandu-draw-v2" || key); a longer output starts with the shorter one.
  constructor(key) { this.input = Buffer.concat([DOMAIN2, key]); this.buf = Buffer.alloc(0); this.pos = 0; }
  nextU64() {
    if (this.pos + 8 > this.buf.length) {
      const n = Math.max(256, 2 * this.buf.length);
      this.buf = createHash("shake256", { outputLength: n }).update(this.input).digest();
    }
    const x = this.buf.readBigUInt64BE(this.pos); this.pos += 8; return x;
  }
  uniform(n) {
    const N = BigInt(n), limit = TWO64 - (TWO64 % N);
    for (;;) { const x = this.nextU64(); if (x < limit) return Number(x % N); }
  }
}

// Is there a way to add m candidates (at most avail[p] of profile p) that brings every quota count
// within [min, max]? Exhaustive over profiles, remembering failures.
function completable(counts, m, avail, mins, maxs) {
  const profs = [...avail.entries()].filter(([, a]) => a > 0);
  const failed = new Set();
  const rec = (i, left, cnt) => {
    if (cnt.some((c, j) => c > maxs[j])) return false;
    if (left === 0) return cnt.every((c, j) => c >= mins[j]);
    if (i === profs.length) return false;
    const memo = `${i}|${left}|${cnt.join(",")}`;
    if (failed.has(memo)) return false;
    const [p, a] = profs[i];
    for (let t = 0; t <= Math.min(a, left); t++) {
      if (rec(i + 1, left - t, cnt.map((c, j) => c + (p[j] === "1" ? t : 0)))) return true;
    }
    failed.add(memo);
    return false;
  };
  return rec(0, m, counts);
}

function drawV2(poolDoc, req, seed, witnesses) {
  const s = new Shake(sha256(Buffer.concat([seed, witnessEncoding(witnesses)])));
  const quotas = [...req.quotas].sort((a, b) => cmpId(a.category, b.category) || cmpId(a.value, b.value));
  const cands = [];
  for (const g of poolDoc.groups)
    for (const id of g.ids)
      cands.push({ id, prior: g.prior,
        profile: quotas.map((q) => ((g.categories[q.category] || []).includes(q.value) ? "1" : "0")).join("") });
  if (new Set(cands.map((c) => c.id)).size !== cands.length) throw new Error("duplicate ids");
  const n = cands.length, want = Math.min(req.k, n);
  const mins = quotas.map((q) => q.min), maxs = quotas.map((q) => (q.max === null || q.max === undefined ? want : q.max));
  const picked = new Set();
  const availNow = () => {
    const m = new Map();
    for (const c of cands) if (!picked.has(c.id)) m.set(c.profile, (m.get(c.profile) || 0) + 1);
    return m;
  };
  const add = (cnt, p) => cnt.map((c, j) => c + (p[j] === "1" ? 1 : 0));
  const minus = (avail, p) => { const m = new Map(avail); m.set(p, m.get(p) - 1); return m; };
  const tiers = [...new Set(cands.map((c) => c.prior))].sort((a, b) => a - b);
  const pick = (allowed) => {
    for (const t of tiers) {
      const L = cands
        .filter((c) => c.prior === t && !picked.has(c.id) && allowed.has(c.profile))
        .sort((a, b) => (a.profile < b.profile ? -1 : a.profile > b.profile ? 1 : cmpId(a.id, b.id)));
      if (L.length) { const c = L[s.uniform(L.length)]; picked.add(c.id); return c; }
    }
    throw new Error("nothing to pick");
  };
  let counts = quotas.map(() => 0);
  if (quotas.length && !completable(counts, want, availNow(), mins, maxs)) throw new Error("quotas cannot be met");
  const selected = [];
  for (let slot = 0; slot < want; slot++) {
    const avail = availNow();
    const allowed = new Set([...avail.keys()].filter((p) => completable(add(counts, p), want - slot - 1, minus(avail, p), mins, maxs)));
    const c = pick(allowed);
    counts = add(counts, c.profile);
    selected.push(c.id);
  }
  const reserves = [];
  for (let r = 0; r < Math.min(n - want, 2 * want); r++) reserves.push(pick(new Set(availNow().keys())).id);
  const notes = n < req.k ? [{ code: "pool_short", facts: { needed: req.k, available: n } }] : [];
  return { order: [...selected, ...reserves], selected, notes };
}

const record = JSON.parse(readFileSync(0, "utf8"));
const checks = [];
const seed = Buffer.from(record.seed, "hex");
const values = record.witnesses.map((w) => w.value);
checks.push(["commitment", hex(sha256(seed)) === record.commitment]);
let replay;
if (record.algorithm === "jiandu-draw-v2") {
  if (!process.argv[2]) { console.log("a v2 record needs its pool file: node docs/draw-replay.mjs POOL.json < RECORD.json"); process.exit(2); }
  const raw = readFileSync(process.argv[2]);
  checks.push(["pool_hash", hex(sha256(raw)) === record.pool_hash]);
  replay = drawV2(JSON.parse(raw.toString("utf8")), record.requirements, seed, values);
} else {
  checks.push(["pool_hash", hex(sha256(Buffer.from(canonical({ pool: record.pool, requirements: record.requirements }), "utf8"))) === record.pool_hash]);
  replay = draw(record.pool.candidates, record.requirements, seed, values);
}
const strip = (notes) => notes.map((n) => ({ code: n.code, facts: n.facts }));
checks.push(["order", canonical(replay.order) === canonical(record.result.order)]);
checks.push(["selected", canonical(replay.selected) === canonical(record.result.selected)]);
checks.push(["notes", canonical(strip(replay.notes)) === canonical(strip(record.result.notes))]);
const body = Object.fromEntries(Object.entries(record).filter(([k]) => k !== "id" && k !== "record_hash"));
checks.push(["record_hash", hex(sha256(Buffer.from(canonical(body), "utf8"))) === record.record_hash]);
let ok = true;
for (const [name, pass] of checks) { console.log(`${pass ? "ok  " : "FAIL"} ${name}`); ok &&= pass; }
console.log(ok ? `selected: ${replay.selected.join(", ")}` : "the record does not replay");
process.exit(ok ? 0 : 1);

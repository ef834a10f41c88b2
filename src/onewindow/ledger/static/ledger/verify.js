/*
 * 验证办件记录: checks in the browser, with WebCrypto, that a case's ledger entries are
 * included in a checkpoint signed by the log and cosigned by the departments' witnesses.
 *
 * Nothing the server concludes is taken on trust; only data it serves is used:
 *  - the checkpoint (C2SP tlog-checkpoint, a C2SP signed note) must carry a valid Ed25519
 *    signature (type 0x01) of a log key; the verifier keys are embedded in the page;
 *  - witnesses' cosignatures (C2SP tlog-cosignature, type 0x04, "cosignature/v1") on the
 *    latest published checkpoint are checked with their keys, and the current tree must be
 *    consistent with it (RFC 9162 section 2.1.4.2);
 *  - each entry's leaf is rebuilt as RFC 8785 canonical JSON of
 *    {"v":1,"index","at","event","actor","target","payload"}, hashed as HASH(0x00 || leaf)
 *    and carried to the signed root with its inclusion proof (RFC 9162 section 2.1.3.2).
 *
 * SHA-256 comes from WebCrypto; SM3 (GB/T 32905-2016) logs use the implementation below.
 */
(function (global) {
  "use strict";

  const encoder = new TextEncoder();
  const EM_DASH = "\u2014";

  // --- bytes -------------------------------------------------------------------------------

  function fromBase64(text) {
    const raw = atob(text);
    const out = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function toBase64(bytes) {
    let raw = "";
    for (const b of bytes) raw += String.fromCharCode(b);
    return btoa(raw);
  }

  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  }

  function equal(a, b) {
    if (a.length !== b.length) return false;
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
    return diff === 0;
  }

  function hex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // --- SM3 (GB/T 32905-2016) ------------------------------------------------------------------

  const SM3_IV = [
    0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e,
  ];

  function rotl(x, n) {
    n %= 32;
    return ((x << n) | (x >>> (32 - n))) >>> 0;
  }

  function sm3(message) {
    // Padding as in section 5.2: a 1 bit, zeros to 448 mod 512, the 64-bit bit length.
    const bitLength = message.length * 8;
    const padded = new Uint8Array(Math.ceil((message.length + 9) / 64) * 64);
    padded.set(message);
    padded[message.length] = 0x80;
    const view = new DataView(padded.buffer);
    view.setUint32(padded.length - 8, Math.floor(bitLength / 0x100000000));
    view.setUint32(padded.length - 4, bitLength >>> 0);
    const v = SM3_IV.slice();
    const w = new Array(68);
    const w1 = new Array(64);
    for (let block = 0; block < padded.length; block += 64) {
      // Message expansion (section 5.3.2).
      for (let j = 0; j < 16; j++) w[j] = view.getUint32(block + 4 * j);
      for (let j = 16; j < 68; j++) {
        const x = w[j - 16] ^ w[j - 9] ^ rotl(w[j - 3], 15);
        const p1 = (x ^ rotl(x, 15) ^ rotl(x, 23)) >>> 0;
        w[j] = (p1 ^ rotl(w[j - 13], 7) ^ w[j - 6]) >>> 0;
      }
      for (let j = 0; j < 64; j++) w1[j] = (w[j] ^ w[j + 4]) >>> 0;
      // Compression (section 5.3.3).
      let [a, b, c, d, e, f, g, h] = v;
      for (let j = 0; j < 64; j++) {
        const t = j < 16 ? 0x79cc4519 : 0x7a879d8a;
        const ss1 = rotl((rotl(a, 12) + e + rotl(t, j)) >>> 0, 7);
        const ss2 = (ss1 ^ rotl(a, 12)) >>> 0;
        const ff = j < 16 ? a ^ b ^ c : (a & b) | (a & c) | (b & c);
        const gg = j < 16 ? e ^ f ^ g : (e & f) | (~e & g);
        const tt1 = ((ff >>> 0) + d + ss2 + w1[j]) >>> 0;
        const tt2 = ((gg >>> 0) + h + ss1 + w[j]) >>> 0;
        d = c;
        c = rotl(b, 9);
        b = a;
        a = tt1;
        h = g;
        g = rotl(f, 19);
        f = e;
        e = (tt2 ^ rotl(tt2, 9) ^ rotl(tt2, 17)) >>> 0;
      }
      const next = [a, b, c, d, e, f, g, h];
      for (let i = 0; i < 8; i++) v[i] = (v[i] ^ next[i]) >>> 0;
    }
    const out = new Uint8Array(32);
    const outView = new DataView(out.buffer);
    v.forEach((word, i) => outView.setUint32(4 * i, word));
    return out;
  }

  function subtle() {
    const c = global.crypto;
    if (!c || !c.subtle) {
      throw new Error("浏览器未提供 WebCrypto（只在 HTTPS 或本机地址的页面上可用），无法在本机验证");
    }
    return c.subtle;
  }

  async function sha256(data) {
    return new Uint8Array(await subtle().digest("SHA-256", data));
  }

  function hasherFor(name) {
    if (name === "sha256") return sha256;
    if (name === "sm3") return async (data) => sm3(data);
    throw new Error("不支持的哈希算法：" + name);
  }

  // --- RFC 8785 canonical JSON ----------------------------------------------------------------

  // Keys sorted by UTF-16 code units (JavaScript's default sort order), no whitespace, and
  // strings and numbers as JSON.stringify writes them, which is what RFC 8785 section 3.2
  // specifies (ECMAScript number serialization included).
  function canonical(value) {
    if (value === null || typeof value !== "object") return JSON.stringify(value);
    if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
    const keys = Object.keys(value).sort();
    return "{" + keys.map((k) => JSON.stringify(k) + ":" + canonical(value[k])).join(",") + "}";
  }

  function leafInput(entry) {
    return encoder.encode(
      canonical({
        v: 1,
        index: entry.index,
        at: entry.at,
        event: entry.event,
        actor: entry.actor,
        target: entry.target,
        payload: entry.payload,
      }),
    );
  }

  // --- RFC 9162 section 2.1 -------------------------------------------------------------------

  async function leafHash(hash, data) {
    return hash(concat(new Uint8Array([0]), data));
  }

  async function nodeHash(hash, left, right) {
    return hash(concat(new Uint8Array([1]), left, right));
  }

  // Section 2.1.3.2: fold the path from the leaf to the root.
  async function verifyInclusion(hash, leaf, index, size, proof, root) {
    if (!(index >= 0 && index < size)) return false;
    let fn = index;
    let sn = size - 1;
    let r = leaf;
    for (const p of proof) {
      if (sn === 0) return false;
      if (fn % 2 === 1 || fn === sn) {
        r = await nodeHash(hash, p, r);
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) {
            fn = Math.floor(fn / 2);
            sn = Math.floor(sn / 2);
          }
        }
      } else {
        r = await nodeHash(hash, r, p);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    return sn === 0 && equal(r, root);
  }

  // Section 2.1.4.2: rebuild both roots from the same proof.
  async function verifyConsistency(hash, first, second, proof, firstRoot, secondRoot) {
    if (!(first >= 0 && first <= second)) return false;
    if (first === second) return proof.length === 0 && equal(firstRoot, secondRoot);
    if (first === 0) return proof.length === 0;
    if (proof.length === 0) return false;
    let path = proof;
    // When the old tree is a complete subtree the proof omits its hash: put it back.
    if (2 ** Math.round(Math.log2(first)) === first) path = [firstRoot, ...proof];
    let fn = first - 1;
    let sn = second - 1;
    while (fn % 2 === 1) {
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    let fr = path[0];
    let sr = path[0];
    for (const c of path.slice(1)) {
      if (sn === 0) return false;
      if (fn % 2 === 1 || fn === sn) {
        fr = await nodeHash(hash, c, fr);
        sr = await nodeHash(hash, c, sr);
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) {
            fn = Math.floor(fn / 2);
            sn = Math.floor(sn / 2);
          }
        }
      } else {
        sr = await nodeHash(hash, sr, c);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    return sn === 0 && equal(fr, firstRoot) && equal(sr, secondRoot);
  }

  // --- signed notes and checkpoints (C2SP) ------------------------------------------------------

  function parseNote(text) {
    const split = text.lastIndexOf("\n\n");
    if (split < 0 || !text.endsWith("\n")) throw new Error("签名检查点格式不正确");
    const body = text.slice(0, split + 1);
    const signatures = text
      .slice(split + 2, -1)
      .split("\n")
      .map((line) => {
        if (!line.startsWith(EM_DASH + " ")) throw new Error("签名行格式不正确");
        const [name, blob] = line.slice(2).split(" ");
        const bytes = fromBase64(blob);
        const keyId = new DataView(bytes.buffer).getUint32(0);
        return { name, keyId, signature: bytes.slice(4) };
      });
    const lines = body.slice(0, -1).split("\n");
    if (lines.length < 3 || !/^(0|[1-9][0-9]*)$/.test(lines[1])) throw new Error("检查点格式不正确");
    return {
      text: body,
      origin: lines[0],
      size: Number(lines[1]),
      root: fromBase64(lines[2]),
      signatures,
    };
  }

  async function parseVkey(vkey) {
    // The base64 part may itself contain "+": split at the first two only.
    const first = vkey.indexOf("+");
    const second = vkey.indexOf("+", first + 1);
    const name = vkey.slice(0, first);
    const id = vkey.slice(first + 1, second);
    const encoded = vkey.slice(second + 1);
    const material = fromBase64(encoded);
    const type = material[0];
    const keyId = parseInt(id, 16);
    const digest = await sha256(concat(encoder.encode(name + "\n"), material));
    if (new DataView(digest.buffer).getUint32(0) !== keyId) throw new Error("验证公钥编号不符：" + name);
    return { name, keyId, type, publicKey: material.slice(1) };
  }

  async function ed25519Verify(publicKey, signature, message) {
    const key = await subtle().importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
    return subtle().verify({ name: "Ed25519" }, key, signature, message);
  }

  // Returns the names of the keys (of the given type) whose signatures verified; throws when a
  // known key's signature fails (signed-note: the note SHOULD then be rejected).
  async function verifySignatures(note, keys, type) {
    const verified = [];
    for (const sig of note.signatures) {
      const key = keys.find((k) => k.type === type && k.name === sig.name && k.keyId === sig.keyId);
      if (!key) continue;
      let ok;
      if (type === 0x01) {
        ok = await ed25519Verify(key.publicKey, sig.signature, encoder.encode(note.text));
      } else {
        if (sig.signature.length !== 72) throw new Error("副署签名长度不正确：" + sig.name);
        const time = new DataView(sig.signature.buffer, sig.signature.byteOffset).getBigUint64(0);
        const message = encoder.encode("cosignature/v1\ntime " + time.toString() + "\n" + note.text);
        ok = await ed25519Verify(key.publicKey, sig.signature.slice(8), message);
        if (ok) key.time = Number(time);
      }
      if (!ok) throw new Error(sig.name + " 的签名验证失败");
      verified.push(key);
    }
    return verified;
  }

  // --- the page -----------------------------------------------------------------------------

  // Chinese names of the case events (API.md "Intake and cases"); unknown types show as sent.
  const EVENT_LABELS = {
    "case.accepted": "受理",
    "task.opened": "环节开始办理",
    "task.approved": "环节审批通过",
    "task.rejected": "环节不予批准",
    "task.returned": "退回补正",
    "task.transferred": "环节转办",
    "case.supplemented": "补正材料已收",
    "case.extended": "延长办理期限",
    "case.suspended": "特别程序（计时暂停）",
    "case.resumed": "恢复办理",
    "case.approved": "审批通过",
    "case.rejected": "不予批准",
    "case.completed": "办结",
  };

  async function getJson(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(body.message || "请求失败（" + response.status + "）");
      error.status = response.status;
      throw error;
    }
    return body;
  }

  async function getText(url) {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) {
      const error = new Error("请求失败（" + response.status + "）");
      error.status = response.status;
      throw error;
    }
    return response.text();
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const child of children) node.append(child);
    return node;
  }

  async function run(config, number, code, status, results) {
    const api = config.api;
    const hash = hasherFor(config.hash);
    const say = (text, kind) => {
      const p = el("p", { class: kind === "error" ? "alert alert-error" : kind === "ok" ? "alert alert-success" : "muted" }, text);
      status.append(p);
      return p;
    };
    status.replaceChildren();
    results.replaceChildren();

    const logKeys = [];
    for (const vkey of config.logKeys) {
      const key = await parseVkey(vkey);
      if (key.type === 0x01) logKeys.push(key);
    }
    const witnessKeys = [];
    for (const w of config.witnesses) {
      const key = await parseVkey(w.vkey);
      key.department = w.department;
      if (key.type === 0x04) witnessKeys.push(key);
    }

    say("正在取得办件的账本记录序号……");
    const progress = await getJson(`${api}/cases/${encodeURIComponent(number)}/progress?verify=${encodeURIComponent(code)}`);
    const indices = progress.events.map((e) => e.ledger_index);
    if (!indices.length) throw new Error("该办件没有账本记录");

    say("正在核验账本签名检查点……");
    const current = parseNote(await getText(`${api}/ledger/checkpoint`));
    if (current.origin !== config.origin) throw new Error("检查点来源与本账本不符");
    const signedBy = await verifySignatures(current, logKeys, 0x01);
    if (!signedBy.length) throw new Error("检查点没有来自账本验证公钥的有效签名");
    const size = current.size;

    let witnessed = null;
    try {
      const published = parseNote(await getText(`${api}/ledger/checkpoints/latest`));
      if ((await verifySignatures(published, logKeys, 0x01)).length === 0) throw new Error("已发布检查点签名无效");
      const cosigners = await verifySignatures(published, witnessKeys, 0x04);
      let consistent = false;
      if (published.size <= size) {
        const proof = published.size === 0 || published.size === size
          ? { hashes: [] }
          : await getJson(`${api}/ledger/proofs/consistency?first=${published.size}&second=${size}`);
        consistent = await verifyConsistency(hash, published.size, size, proof.hashes.map(fromBase64), published.root, current.root);
      }
      if (!consistent) throw new Error("当前账本与已见证的检查点不一致（可能被改写），请向政务服务中心反映");
      witnessed = { size: published.size, cosigners };
    } catch (error) {
      if (error.status !== 404) throw error;
    }

    say(`正在逐条核对 ${indices.length} 条记录的包含证明……`);
    const table = el("table", { class: "table", id: "verify-table" });
    table.append(el("thead", {}, el("tr", {}, el("th", {}, "序号"), el("th", {}, "事件"), el("th", {}, "时间"), el("th", {}, "结果"))));
    const body = el("tbody");
    table.append(body);
    results.append(table);
    let good = 0;
    for (const index of indices) {
      const entry = await getJson(`${api}/ledger/entries/${index}?verify=${encodeURIComponent(code)}`);
      const row = el("tr", { "data-index": String(index) });
      const label = el("td", { title: entry.event }, EVENT_LABELS[entry.event] || entry.event);
      row.append(el("td", {}, String(index)), label, el("td", {}, entry.at.slice(0, 19).replace("T", " ")));
      let verdict;
      if (entry.actor === null) {
        verdict = "无法取得记录内容，未能核对";
      } else if (entry.target !== "case:" + number) {
        verdict = "记录不属于本办件";
      } else {
        const leaf = await leafHash(hash, leafInput(entry));
        const proof = await getJson(`${api}/ledger/proofs/inclusion?index=${index}&size=${size}`);
        const ok = await verifyInclusion(hash, leaf, index, size, proof.hashes.map(fromBase64), current.root);
        verdict = ok ? "✓ 已包含在签名检查点中" : "✗ 与账本不符";
        if (ok) good++;
        if (ok && witnessed && index < witnessed.size) verdict += "，且已经见证";
      }
      row.append(el("td", { class: verdict.startsWith("✓") ? "verified" : "failed" }, verdict));
      body.append(row);
    }
    status.replaceChildren();
    const signer = signedBy.map((k) => k.name).join("、");
    if (good === indices.length) {
      say(`验证通过：本办件全部 ${good} 条记录均包含在账本中（检查点第 ${size} 条，签名方 ${signer}，根哈希 ${toBase64(current.root)}）。`, "ok");
    } else {
      say(`验证未通过：${indices.length} 条记录中只有 ${good} 条核对一致。请向政务服务中心反映。`, "error");
    }
    if (witnessed) {
      const names = witnessed.cosigners.map((k) => k.department).join("、");
      say(witnessed.cosigners.length
        ? `第 ${witnessed.size} 条处的检查点已由 ${names} 见证副署，当前账本与之一致。`
        : `第 ${witnessed.size} 条处的检查点尚无部门副署，当前账本与之一致。`);
    } else {
      say("尚未发布供见证的检查点。");
    }
  }

  function start() {
    const config = JSON.parse(document.getElementById("ledger-config").textContent);
    const form = document.getElementById("verify-form");
    const status = document.getElementById("verify-status");
    const results = document.getElementById("verify-results");
    const button = document.getElementById("verify-button");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const number = form.elements.number.value.trim().toUpperCase();
      const code = form.elements.verify.value.trim();
      if (!/^[0-9A-Z-]{1,40}$/.test(number) || code.length !== 4) {
        status.replaceChildren(el("p", { class: "alert alert-error" }, "请输入办件编号和申请人证件号码后4位"));
        return;
      }
      button.disabled = true;
      try {
        await run(config, number, code, status, results);
      } catch (error) {
        status.replaceChildren(el("p", { class: "alert alert-error", role: "alert" }, error.message || String(error)));
      } finally {
        button.disabled = false;
      }
    });
  }

  global.OneWindowLedger = {
    canonical,
    leafInput,
    sm3,
    sha256,
    hex,
    fromBase64,
    parseNote,
    parseVkey,
    verifySignatures,
    verifyInclusion,
    verifyConsistency,
    leafHash,
    hasherFor,
  };
  if (typeof document !== "undefined" && document.getElementById("verify-form")) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }
})(typeof window !== "undefined" ? window : globalThis);

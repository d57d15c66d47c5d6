#!/usr/bin/env node
// Decodes email header blocks the way Node's mailparser does (Nodemailer's parser, used by
// many web mail and ticketing tools) and prints, for each, the Subject and the first To
// address's display name, so tests/test_render_headers.py can check that no decoder loses or
// gains a character of a Vietnamese subject.
//
//   node decode_headers.mjs < BLOCKS
//
// BLOCKS: header blocks separated by NUL bytes; the answer is a JSON list of
// {"subject": ..., "to": ...} in the same order.

import { readFileSync } from "node:fs";
import { simpleParser } from "mailparser";

const blocks = readFileSync(0, "latin1").split("\0").filter((block) => block.length > 0);
const decoded = [];
for (const block of blocks) {
  const parsed = await simpleParser(Buffer.from(`${block}\r\n\r\nx\r\n`, "latin1"));
  decoded.push({ subject: parsed.subject ?? null, to: parsed.to?.value?.[0]?.name ?? null });
}
process.stdout.write(JSON.stringify(decoded));

// tests/browser/warc_check.mjs - reads a WARC file with the npm package
// warcio (WARCParser, as other tools read WARC) for tests/http/*_export_warc.sh.
//
//   node warc_check.mjs FILE
//
// Prints one JSON object: the count of each record type, how many
// responses follow a request they are WARC-Concurrent-To, how many
// request/response payloads do not match WARC-Payload-Digest (recomputed
// here with node's crypto over the raw HTTP payload), and each response's
// target URI and HTTP status.  Exits 1 when warcio cannot read the file.
import { createReadStream } from "node:fs";
import { createHash } from "node:crypto";
import { WARCParser } from "warcio";

const file = process.argv[2];
const out = { types: {}, paired: 0, digest_bad: 0, responses: [], first: null };
try {
	const parser = new WARCParser(createReadStream(file));
	let prev = null;
	for await (const rec of parser) {
		const t = rec.warcType;
		out.types[t] = (out.types[t] || 0) + 1;
		if (out.first === null) out.first = t;
		if (t === "request" || t === "response") {
			const raw = await rec.readFully(false);
			const want = rec.warcPayloadDigest || "";
			const got = "sha256:" + createHash("sha256").update(raw).digest("hex");
			if (want !== got) out.digest_bad++;
		}
		if (t === "response") {
			out.responses.push({
				url: rec.warcTargetURI,
				status: rec.httpHeaders ? rec.httpHeaders.statusCode : null,
			});
			if (prev && prev.warcType === "request" &&
			    rec.warcConcurrentTo.includes(prev.warcHeader("WARC-Record-ID")))
				out.paired++;
		}
		prev = rec;
	}
} catch (e) {
	console.log(JSON.stringify({ error: String(e) }));
	process.exit(1);
}
console.log(JSON.stringify(out));

// Parses Mermaid charts with the real Mermaid parser (the `mermaid` package under jsdom) and
// prints, for each file, what the parser understood: the diagram type, its vertices (id ->
// label and classes) and its edges. Exits 1 on the first chart the parser rejects.
//
//   NODE_PATH=<dir with node_modules> node tests/mermaid/parse.mjs chart.mmd ...
//
// .ci/run installs the parser (npm install mermaid jsdom) into target/mermaid-parser.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";

const base = process.env.MERMAID_PARSER_DIR;
if (!base) {
  console.error("MERMAID_PARSER_DIR is not set (the directory holding node_modules/mermaid)");
  process.exit(2);
}
const require = createRequire(path.join(base, "package.json"));
const { JSDOM } = require("jsdom");
const dom = new JSDOM("<!doctype html><html><body></body></html>", { pretendToBeVisual: true });
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.DOMParser = dom.window.DOMParser;
globalThis.Element = dom.window.Element;
globalThis.HTMLElement = dom.window.HTMLElement;
const mermaid = (await import(require.resolve("mermaid"))).default;
mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });

const out = [];
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, "utf8");
  let type;
  try {
    const parsed = await mermaid.parse(text);
    type = parsed.diagramType;
  } catch (e) {
    console.error(`${file}: rejected by the Mermaid parser: ${e.message ?? e}`);
    process.exit(1);
  }
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db;
  const vertices = {};
  for (const [id, v] of db.getVertices()) {
    vertices[id] = { text: v.text, classes: v.classes };
  }
  const edges = db.getEdges().map((e) => [e.start, e.end]);
  out.push({ file, type, vertices, edges, classes: [...db.getClasses().keys()] });
}
console.log(JSON.stringify(out));

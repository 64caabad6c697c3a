import assert from "node:assert/strict";
import { test } from "node:test";
import { createElement as h } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { Button, buttonClass } from "../../../components/ui/button";
import { Dialog } from "../../../components/ui/dialog";
import { Field } from "../../../components/ui/field";
import { ErrorText } from "../../../components/ui/notice";
import { Cell, Row, Table } from "../../../components/ui/table";

const render = (element: Parameters<typeof renderToStaticMarkup>[0]) => renderToStaticMarkup(element);

test("a field's label names its control, with the hint in brackets", () => {
  const html = render(h(Field, { label: "Folder", hint: "absolute path on the server", children: (c) => h("input", c) }));
  const id = /<input id="([^"]+)"/.exec(html)?.[1];
  assert.ok(id, html);
  assert.match(html, new RegExp(`<label for="${id}"[^>]*>Folder<span[^>]*>\\(absolute path on the server\\)</span></label>`));
  assert.doesNotMatch(html, /aria-invalid|aria-describedby/);
});

test("a field's help and problems are linked to the control and the control is marked invalid", () => {
  const html = render(h(Field, { label: "Step name", help: "3 to 32 characters", errors: ["too short", "bad character"], children: (c) => h("input", c) }));
  const id = /<input id="([^"]+)"/.exec(html)?.[1];
  assert.match(html, new RegExp(`aria-invalid="true" aria-describedby="${id}-help ${id}-error"`));
  assert.match(html, new RegExp(`<p id="${id}-help"[^>]*>3 to 32 characters</p>`));
  // Both problems under one id, so the control is described by all of them.
  assert.match(html, new RegExp(`<div id="${id}-error"[^>]*><p>too short</p><p>bad character</p></div>`));
});

test("a table has one header cell per column, its rows, and an empty row spanning all columns", () => {
  const html = render(
    h(
      Table,
      { columns: ["Step", { label: "Memory", align: "right" }], label: "Worker processes", empty: "Nothing yet" },
      h(Row, null, h(Cell, null, "score"), h(Cell, { numeric: true }, "12 MB")),
    ),
  );
  assert.match(html, /^<table aria-label="Worker processes"/);
  assert.equal(html.match(/<th /g)?.length, 2);
  assert.match(html, /<th class="[^"]*text-right">Memory<\/th>/);
  assert.match(html, /<td class="[^"]*tabular-nums">12 MB<\/td>/);
  assert.match(html, /<td colSpan="2"[^>]*>Nothing yet<\/td>/);
});

test("a table's caption is its visible name", () => {
  const html = render(h(Table, { columns: ["Kind"], caption: "Signature of mnist", size: "xs" }));
  assert.match(html, /<caption[^>]*>Signature of mnist<\/caption>/);
  assert.match(html, /class="w-full text-xs"/);
});

test("a button never submits unless told to, and variants differ", () => {
  assert.match(render(h(Button, null, "Cancel")), /^<button type="button"/);
  assert.match(render(h(Button, { type: "submit", variant: "primary" }, "Create")), /^<button type="submit" class="[^"]*bg-blue-600/);
  assert.notEqual(buttonClass({ variant: "danger" }), buttonClass({ variant: "secondary" }));
  assert.match(buttonClass({ variant: "secondary", size: "sm", className: "ml-2" }), /text-xs.* ml-2$/);
});

test("a dialog is labelled by its title and renders its content only while open", () => {
  const open = render(h(Dialog, { open: true, onClose: () => {}, title: "Submit a pipeline", children: h("p", null, "body") }));
  const id = /aria-labelledby="([^"]+)"/.exec(open)?.[1];
  assert.match(open, /^<dialog aria-modal="true"/);
  assert.match(open, new RegExp(`<h2 id="${id}"[^>]*>Submit a pipeline</h2><p>body</p>`));
  assert.doesNotMatch(render(h(Dialog, { open: false, onClose: () => {}, title: "Submit", children: h("p", null, "body") })), /body/);
});

test("an error text shows an error's message and nothing without one", () => {
  assert.equal(render(h(ErrorText, { error: null })), "");
  assert.match(render(h(ErrorText, { error: new Error("name taken") })), /^<p role="alert"[^>]*>name taken<\/p>$/);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { BindableField, parseTyped } from "../../../components/designer/fields/fields";

const parameters = [
  { name: "batch_size_param", type: "int" },
  { name: "process_count_param", type: "int" },
];
const render = (value: unknown, errors?: string[]) =>
  renderToStaticMarkup(createElement(BindableField, { label: "Mini-batch size", value, kind: "size", bindable: true, parameters, errors, onChange: () => {} }));

test("a bound field shows the parameter choice and offers to unbind", () => {
  const html = render({ param: "batch_size_param" });
  assert.match(html, /<select[^>]*>/);
  assert.match(html, /<option value="batch_size_param" selected="">batch_size_param \(int\)<\/option>/);
  assert.match(html, /aria-label="Unbind Mini-batch size from its pipeline parameter"/);
  assert.match(html, /aria-pressed="true"/);
});

test("an unbound field is a labelled input; its problem is announced and linked", () => {
  const html = render(0, ["mini_batch_size '0' is not valid"]);
  assert.match(html, /<label for="([^"]+)"[^>]*>Mini-batch size/);
  assert.match(html, /<input[^>]*aria-invalid="true"/);
  assert.match(html, /aria-describedby="[^"]*-error"/);
  assert.match(html, /mini_batch_size &#x27;0&#x27; is not valid/);
  assert.match(html, /aria-label="Bind Mini-batch size to a pipeline parameter"/);
});

test("typed text keeps what the user meant: numbers as numbers, sizes and invalid text as text", () => {
  assert.equal(parseTyped("5", "size"), 5);
  assert.equal(parseTyped("10MB", "size"), "10MB");
  assert.equal(parseTyped("abc", "int"), "abc");
  assert.equal(parseTyped("  ", "int"), undefined);
  assert.deepEqual(parseTyped("a, b,", "list"), ["a", "b"]);
});

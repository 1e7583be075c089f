// The JS package spells every function three times: wasm/bindings.cpp (what the module exports,
// with its C++ parameters and the object members it reads and writes), js/src/index.js (the
// wrapper that checks types and calls the module) and js/src/index.d.ts (the types users see).
// Nothing generates one from another, so this test reads all three and fails when they disagree:
// a function, method, argument count or object member present in one and not the other.
import assert from "node:assert/strict";
import { test } from "node:test";
import { all, balanced, block, read, sorted, splitArgs } from "./source.mjs";

const cpp = read("wasm/bindings.cpp");
const js = read("js/src/index.js");
const dts = read("js/src/index.d.ts");
const buildScript = read("js/scripts/build.mjs");

// --- wasm/bindings.cpp -------------------------------------------------------------------------
const registrations = block(cpp, /EMSCRIPTEN_BINDINGS\(\w+\)\s*/, "EMSCRIPTEN_BINDINGS");
const moduleFunctions = new Map(all(registrations, /\bfunction\("(\w+)",\s*&(\w+)\)/g, "function(...) registrations"));
const boundClasses = new Map(all(registrations, /class_<(\w+)>\("(\w+)"\)/g, "class_<...> registrations"));
const boundMethods = new Map(); // C++ class -> Map(js name -> C++ method)
for (const [jsName, cls, method] of all(registrations, /\.function\("(\w+)",\s*&(\w+)::(\w+)\)/g, ".function(...) registrations")) {
  if (!boundMethods.has(cls)) boundMethods.set(cls, new Map());
  boundMethods.get(cls).set(jsName, method);
}

// The definition of a C++ function (or of a method inside class `cls`): its parameters and body.
function cppDefinition(name, cls) {
  const scope = cls ? block(cpp, new RegExp(`class ${cls} \\{`), `class ${cls}`) : cpp;
  const m = new RegExp(`(?:^|\\n)\\s*(?:val|std::string|void|bool)\\s+${name}\\(`).exec(scope);
  assert.ok(m, `bindings.cpp: no definition of ${cls ? `${cls}::` : ""}${name}`);
  const open = m.index + m[0].length - 1;
  const params = splitArgs(balanced(scope, open));
  const body = balanced(scope, scope.indexOf("{", open + balanced(scope, open).length + 1));
  return { params, body };
}
// Members a C++ function reads from its object argument: field()/int_field(), o["x"], optional_field().
function cppInputMembers(body) {
  const strings = [...body.matchAll(/\bfield\(\w+,\s*"(\w+)"\)/g)].map((m) => m[1]);
  const ints = [...body.matchAll(/\bint_field\(\w+,\s*"(\w+)"\)/g)].map((m) => m[1]);
  const required = [...body.matchAll(/\b\w+\["(\w+)"\]\.as</g)].map((m) => m[1]);
  const optional = [...body.matchAll(/\boptional_field\(\w+,\s*"(\w+)"/g)].map((m) => m[1]);
  return { strings: sorted([...strings, ...required]), ints: sorted(ints), optional: sorted(optional) };
}
// Members a C++ function writes into the object it returns: its own .set("x"), or else those of
// the *_to_js helper it returns through.
function cppOutputMembers(body) {
  const own = [...body.matchAll(/\.set\("(\w+)"/g)].map((m) => m[1]).filter((k) => k !== "ok" && k !== "value");
  if (own.length) return sorted(own);
  const helper = /\b(\w+_to_js)\(/.exec(body);
  return helper ? cppOutputMembers(cppDefinition(helper[1]).body) : [];
}

// --- js/src/index.js -----------------------------------------------------------------------------
// Calls `<receiver>.<name>(args)` in `text`: [{name, argc, args}].
function calls(text, receiver) {
  const out = [];
  for (const m of text.matchAll(new RegExp(`${receiver}\\.(\\w+)\\(`, "g"))) {
    const args = splitArgs(balanced(text, m.index + m[0].length - 1));
    out.push({ name: m[1], argc: args.length, args });
  }
  return out;
}
const idosClass = block(js, /\nclass Idos /, "class Idos in index.js");
const moduleCalls = [...calls(js, "(?:this\\.#m|\\bm)")];
const wrapperClasses = new Map(all(js, /export class (\w+) extends HeldKey \{/g, "HeldKey subclasses")
  .map(([name]) => [name, block(js, new RegExp(`export class ${name} extends HeldKey `), name)]));
const HANDLE_RECEIVER = "(?:this\\[HANDLE\\]\\(\\)|\\w+\\[HANDLE\\]\\(\\)|\\bh|\\bhandle)";
const EMBIND_BUILTINS = new Set(["delete", "isDeleted"]);
const handleCalls = [];
for (const [wrapper, body] of wrapperClasses) {
  for (const c of calls(body, HANDLE_RECEIVER)) if (!EMBIND_BUILTINS.has(c.name)) handleCalls.push({ ...c, wrapper });
}
for (const c of calls(idosClass, HANDLE_RECEIVER)) if (!EMBIND_BUILTINS.has(c.name)) handleCalls.push({ ...c, wrapper: "Idos" });

// Public members of a class body: methods, getters and `this.x =` fields (not #private, not
// [symbol], not the constructor).
function jsMembers(body) {
  const methods = [...body.matchAll(/^ {2}(?:get |static |async )?([A-Za-z_]\w*)\(/gm)].map((m) => m[1]);
  const fields = [...body.matchAll(/^\s+this\.([A-Za-z_]\w*)\s*=/gm)].map((m) => m[1]);
  return sorted([...methods, ...fields].filter((n) => n !== "constructor"));
}
// A JS method's parameters: [{name, optional}] or, for a destructured object, {members: [...]}.
function jsParams(body, method) {
  const m = new RegExp(`^ {2}(?:async )?${method}\\(`, "m").exec(body);
  assert.ok(m, `index.js: no method ${method}`);
  return splitArgs(balanced(body, m.index + m[0].length - 1)).map((p) => {
    if (p.startsWith("{")) {
      const inner = balanced(p, 0);
      return { members: splitArgs(inner).map((x) => ({ name: x.split("=")[0].trim(), optional: x.includes("=") })) };
    }
    return { name: p.split("=")[0].trim(), optional: p.includes("=") };
  });
}

// --- js/src/index.d.ts ---------------------------------------------------------------------------
// Members of an interface or class declaration body: name -> {optional, type, params}.
function dtsMembers(body) {
  const out = new Map();
  for (const m of body.matchAll(/^ {2}(?:readonly )?([A-Za-z_]\w*)(\?)?(\(|:)/gm)) {
    let params = null;
    let type = null;
    if (m[3] === "(") {
      params = splitArgs(balanced(body, m.index + m[0].length - 1));
    } else {
      type = body.slice(m.index + m[0].length).split(";")[0].trim();
    }
    out.set(m[1], { optional: Boolean(m[2]), type, params });
  }
  return out;
}
function dtsInterface(name) {
  return dtsMembers(block(dts, new RegExp(`export interface ${name} `), `interface ${name} in index.d.ts`));
}
// A parameter's declared members: `x: Name`, `x: Omit<Name, "a" | "b">` or `x: { a: string; b?: T }`.
function dtsParamMembers(param) {
  const type = param.slice(param.indexOf(":") + 1).trim();
  if (type.startsWith("{")) return dtsMembers(`\n  ${balanced(type, 0).trim().replace(/;\s*/g, ";\n  ")}`);
  const omit = /^Omit<(\w+),\s*([^>]+)>$/.exec(type);
  const members = dtsInterface(omit ? omit[1] : type);
  if (omit) for (const [, k] of omit[2].matchAll(/"(\w+)"/g)) members.delete(k);
  return members;
}
const dtsIdos = dtsInterface("Idos");

// --- the checks ------------------------------------------------------------------------------------

test("every module function index.js calls is registered in bindings.cpp, with as many arguments", () => {
  const problems = [];
  for (const c of moduleCalls) {
    const cppName = moduleFunctions.get(c.name);
    if (!cppName) {
      problems.push(`${c.name}: called by index.js, not registered`);
      continue;
    }
    const { params } = cppDefinition(cppName);
    if (params.length !== c.argc) problems.push(`${c.name}: index.js passes ${c.argc} arguments, ${cppName} takes ${params.length}`);
  }
  assert.deepEqual(problems, []);
});

test("every function bindings.cpp registers is used (by index.js, or by build.mjs for constants)", () => {
  const used = new Set([...moduleCalls.map((c) => c.name), ...calls(buildScript, "\\bm").map((c) => c.name)]);
  assert.deepEqual([...moduleFunctions.keys()].filter((f) => !used.has(f)), []);
});

test("every method index.js calls on a key object is bound on a class, with as many arguments; every bound method is used", () => {
  const problems = [];
  const usedMethods = new Set();
  for (const c of handleCalls) {
    const owners = [...boundMethods].filter(([, methods]) => methods.has(c.name));
    if (owners.length === 0) {
      problems.push(`${c.wrapper}: calls ${c.name} on its handle, no bound class has it`);
      continue;
    }
    for (const [cls, methods] of owners) {
      usedMethods.add(`${cls}.${c.name}`);
      const { params } = cppDefinition(methods.get(c.name), cls);
      if (params.length !== c.argc) problems.push(`${c.wrapper}.${c.name}: ${c.argc} arguments, ${cls}::${methods.get(c.name)} takes ${params.length}`);
    }
  }
  for (const [cls, methods] of boundMethods) {
    assert.ok(boundClasses.has(cls), `${cls} has methods but no class_<${cls}>`);
    for (const name of methods.keys()) if (!usedMethods.has(`${cls}.${name}`)) problems.push(`${boundClasses.get(cls)}.${name}: bound, never called`);
  }
  assert.deepEqual(problems, []);
});

test("index.d.ts declares exactly the values index.js exports", () => {
  const jsExports = [
    ...[...js.matchAll(/^export (?:async )?(?:function|class|const) (\w+)/gm)].map((m) => m[1]),
    ...[...js.matchAll(/^export \{([^}]+)\} from/gm)].flatMap((m) => m[1].split(",").map((s) => s.trim())),
  ];
  const dtsExports = [
    ...[...dts.matchAll(/^export declare (?:function|class|const) (\w+)/gm)].map((m) => m[1]),
    ...[...dts.matchAll(/^export \{([^}]+)\} from/gm)].flatMap((m) => m[1].split(",").map((s) => s.trim())),
  ];
  assert.ok(jsExports.length > 5);
  assert.deepEqual(sorted(dtsExports), sorted(jsExports));
});

test("the Idos interface and each key class declare exactly the members index.js implements", () => {
  assert.deepEqual(sorted([...dtsIdos.keys()]), jsMembers(idosClass), "Idos");
  const heldKey = jsMembers(block(js, /\nclass HeldKey /, "class HeldKey"));
  const dtsHeldKey = [...dtsMembers(block(dts, /declare abstract class HeldKey /, "HeldKey in index.d.ts")).keys()];
  assert.deepEqual(sorted(dtsHeldKey), heldKey, "HeldKey");
  for (const [name, body] of wrapperClasses) {
    const declared = dtsMembers(block(dts, new RegExp(`export declare class ${name} extends HeldKey `), `class ${name} in index.d.ts`));
    assert.deepEqual(sorted([...declared.keys()]), jsMembers(body), name);
  }
});

test("each method's parameters are the same in index.js and index.d.ts (names, optional ones, object members)", () => {
  const problems = [];
  const classes = [["Idos", idosClass, dtsIdos]];
  for (const [name, body] of wrapperClasses) {
    classes.push([name, body, dtsMembers(block(dts, new RegExp(`export declare class ${name} extends HeldKey `), name))]);
  }
  for (const [cls, body, declared] of classes) {
    for (const [method, decl] of declared) {
      if (!decl.params) continue; // a property
      const jsp = jsParams(body, method);
      if (jsp.length !== decl.params.length) {
        problems.push(`${cls}.${method}: ${jsp.length} parameters in index.js, ${decl.params.length} in index.d.ts`);
        continue;
      }
      jsp.forEach((p, i) => {
        const d = decl.params[i];
        const dName = /^(\w+)/.exec(d)[1];
        const dOptional = /^\w+\?/.test(d);
        if (p.members) {
          // Names only: a destructured member without a default may still be optional (the body
          // falls back with ??), so optionality is the declaration's to state.
          const want = sorted(p.members.map((x) => x.name));
          const got = sorted([...dtsParamMembers(d).keys()]);
          if (JSON.stringify(want) !== JSON.stringify(got)) {
            problems.push(`${cls}.${method}: destructures {${want}}, declared {${got}}`);
          }
        } else if (p.name !== dName || p.optional !== dOptional) {
          problems.push(`${cls}.${method}: parameter ${i} is ${p.name}${p.optional ? "?" : ""} in index.js, ${dName}${dOptional ? "?" : ""} in index.d.ts`);
        }
      });
    }
  }
  assert.deepEqual(problems, []);
});

// Object arguments: index.js copies named members (fieldsArg lists, or stringArg / optionalStringArg
// per member), bindings.cpp reads them by name, index.d.ts types them.
test("object arguments: the members index.js passes, bindings.cpp reads and index.d.ts declares are the same", () => {
  let compared = 0;
  for (const [method, decl] of dtsIdos) {
    if (!decl.params || decl.params.length !== 1) continue;
    const m = new RegExp(`^ {2}${method}\\(`, "m").exec(idosClass);
    const body = balanced(idosClass, idosClass.indexOf("{", m.index + m[0].length + balanced(idosClass, m.index + m[0].length - 1).length));
    const target = calls(body, "this\\.#m")[0];
    if (!target) continue;
    const fieldsArg = /fieldsArg\(\w+,\s*"\w+",\s*(\[[^\]]*\])(?:,\s*(\[[^\]]*\]))?\)/.exec(body);
    const perMember = [...body.matchAll(/\bstringArg\(\w+\.(\w+),/g)].map((x) => x[1]);
    const optionalList = /for \(const key of (\[[^\]]*\])\)[^;]*optionalStringArg/.exec(body);
    if (!fieldsArg && perMember.length === 0) continue;
    const names = (list) => (list ? [...list.matchAll(/"(\w+)"/g)].map((x) => x[1]) : []);
    // withFormat(fields, ...) copies the optional DAG/DWG `format` member.
    const withFormat = /\bwithFormat\(/.test(body) ? ["format"] : [];
    const jsSide = fieldsArg
      ? { strings: sorted(names(fieldsArg[1])), ints: sorted(names(fieldsArg[2])), optional: withFormat }
      : { strings: sorted(perMember), ints: [], optional: sorted(names(optionalList?.[1])) };
    const cppSide = cppInputMembers(cppDefinition(moduleFunctions.get(target.name)).body);
    const declared = dtsParamMembers(decl.params[0]);
    const dtsSide = {
      strings: sorted([...declared].filter(([, v]) => !v.optional && v.type !== "number").map(([k]) => k)),
      ints: sorted([...declared].filter(([, v]) => !v.optional && v.type === "number").map(([k]) => k)),
      optional: sorted([...declared].filter(([, v]) => v.optional).map(([k]) => k)),
    };
    assert.deepEqual(cppSide, jsSide, `${method}: bindings.cpp (${moduleFunctions.get(target.name)}) vs index.js`);
    assert.deepEqual(dtsSide, jsSide, `${method}: index.d.ts vs index.js`);
    compared++;
  }
  assert.ok(compared >= 7, `only ${compared} object arguments compared`);
});

test("returned objects: the members bindings.cpp sets are the ones index.d.ts declares", () => {
  let compared = 0;
  for (const [method, decl] of dtsIdos) {
    if (!decl.params) continue;
    const line = dts.split("\n").find((l) => new RegExp(`^ {2}${method}\\(`).test(l)) ?? "";
    const ret = /\):\s*(\w+)\s*;?\s*$/.exec(line);
    // A declaration spanning several lines: its return type is on the line that closes it (a
    // one-line declaration with an inline object type has no named type to compare).
    const returnType = ret?.[1] ?? (line.trimEnd().endsWith(";") ? undefined
      : new RegExp(`^ {2}${method}\\([\\s\\S]*?\\): (\\w+);`, "m").exec(block(dts, /export interface Idos /, "Idos"))?.[1]);
    if (!returnType || !new RegExp(`export interface ${returnType} `).test(dts)) continue;
    const m = new RegExp(`^ {2}${method}\\(`, "m").exec(idosClass);
    const body = balanced(idosClass, idosClass.indexOf("{", m.index + m[0].length + balanced(idosClass, m.index + m[0].length - 1).length));
    const target = calls(body, "this\\.#m")[0];
    if (!target) continue;
    // JSON text the module returns and JS parses: its members are the spec's, not the binding's.
    if (/JSON\.parse\(unwrap\(this\.#m\./.test(body)) continue;
    const set = cppOutputMembers(cppDefinition(moduleFunctions.get(target.name)).body);
    assert.deepEqual(set, sorted([...dtsInterface(returnType).keys()]), `${method} returns ${returnType}`);
    compared++;
  }
  assert.ok(compared >= 4, `only ${compared} returned objects compared`);
});

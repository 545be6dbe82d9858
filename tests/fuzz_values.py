"""Values for the fuzzer: schema instances filled with the world's real references, and hostile values."""

import string

# Values clients get wrong: huge and negative numbers, fractions where integers go, lone surrogates, deep nesting,
# long text, the wrong type, nothing.
HOSTILE = [1e30, 1e308, 10 ** 40, -1, -5.5, 2.0, 0, "", "\ud800", "x" * 5000, None, [], {}, True, "null",
           "9999-12-31T23:59:59.000-2300", "../../etc/passwd", {"a": [[[[[[[[[[]]]]]]]]]]}]
# Query and path texts: digits past int()'s own limit, numbers no type holds, impossible dates, control characters.
HOSTILE_TEXT = ["9" * 5000, "-" + "9" * 30, "1e999", "NaN", "-1", "", "x" * 5000, "\u0000", "%", "2026-02-30",
                "+275760-09-13T00:00:00.000Z", "20261399", "true,false", "../../etc/passwd"]
LOOPBACK_HOOK = "http://127.0.0.1:9/hooks"       # the discard port: refused at once, nothing leaves the machine


class Values:
    """Generates a value for a schema of one spec; `refs` maps a field name to real identifiers of the world."""

    def __init__(self, spec, random, refs, now_text):
        self.components = spec.components
        self.random = random
        self.refs = refs
        self.now_text = now_text

    def resolve(self, schema):
        while isinstance(schema, dict) and "$ref" in schema:
            section, name = schema["$ref"][len("#/components/"):].split("/", 1)
            schema = self.components.get(section, {}).get(name, {})
        return schema if isinstance(schema, dict) else {}

    def value(self, schema, name="", depth=0):
        """A value for `schema` that mostly passes validation (`name` is the property it goes into)."""
        schema = self.resolve(schema)
        if "const" in schema:
            return schema["const"]
        if schema.get("enum"):
            options = [e for e in schema["enum"] if e is not None] or schema["enum"]
            return self.random.choice(options)
        for key in ("anyOf", "oneOf"):
            if key in schema:
                branches = [self.resolve(b) for b in schema[key]]
                real = [b for b in branches if b.get("type") != "null"] or branches
                return self.value(self.random.choice(real), name, depth)
        if "allOf" in schema:
            return self.value(self._merged(schema), name, depth)
        kind = schema.get("type", "object" if "properties" in schema else "string")
        if isinstance(kind, list):
            kind = self.random.choice([k for k in kind if k != "null"] or ["null"])
        return getattr(self, f"_{kind}", self._string)(schema, name, depth)

    def _merged(self, schema):
        merged = {"type": "object", "properties": {}, "required": []}
        for member in [self.resolve(m) for m in schema["allOf"]] + [schema]:
            if "allOf" in member and member is not schema:
                member = self._merged(member)
            merged["properties"].update(member.get("properties", {}))
            merged["required"] += member.get("required", [])
        return merged

    def _object(self, schema, name, depth):
        required = set(schema.get("required", []))
        out = {}
        for key, prop in schema.get("properties", {}).items():
            if self.resolve(prop).get("readOnly"):
                continue
            if key in required or (depth < 4 and self.random.random() < 0.3):
                out[key] = self.value(prop, key, depth + 1)
        return out

    def _array(self, schema, name, depth):
        low = schema.get("minItems", 0)
        high = max(low, min(schema.get("maxItems", 3), 3))
        items = [self.value(schema.get("items", {}), name, depth + 1) for _ in range(self.random.randint(low, high))]
        if schema.get("uniqueItems"):
            unique = []
            for item in items:
                if item not in unique:
                    unique.append(item)
            items = unique
        return items

    def _integer(self, schema, name, depth):
        low = schema.get("minimum", schema.get("exclusiveMinimum", -1) + 1)
        high = schema.get("maximum", schema.get("exclusiveMaximum", low + 101) - 1)
        return self.random.randint(low, max(low, min(high, low + 100)))

    def _number(self, schema, name, depth):
        low = schema.get("minimum", 0)
        high = schema.get("maximum", low + 100)
        return round(self.random.uniform(low, min(high, low + 100)), 2)

    def _boolean(self, schema, name, depth):
        return self.random.random() < 0.5

    def _null(self, schema, name, depth):
        return None

    def _string(self, schema, name, depth):
        if name in self.refs and self.refs[name]:
            return self.random.choice(self.refs[name])
        found = schema.get("format")
        if found == "date-time":
            return self.now_text
        if found == "date":
            return self.now_text[:10]
        if found in ("uri", "url") or name.lower().endswith("url"):
            return self.random.choice([LOOPBACK_HOOK, "https://fuzz.example/hooks"])
        if found == "email" or name == "email":
            return "fuzz@example.com"
        if "phone" in name.lower():
            return "+38067" + "".join(self.random.choices(string.digits, k=7))
        low, high = schema.get("minLength", 1), min(schema.get("maxLength", 12), 12)
        size = self.random.randint(min(low, high), max(low, high))
        return "".join(self.random.choices(string.ascii_letters + string.digits, k=size))

    def hostile_text(self):
        return self.random.choice(HOSTILE_TEXT)

    def hostile(self, value):
        """`value` with one of its leaves (or itself) replaced by a hostile value."""
        if isinstance(value, dict) and value and self.random.random() < 0.8:
            key = self.random.choice(list(value))
            return {**value, key: self.hostile(value[key])}
        if isinstance(value, list) and value and self.random.random() < 0.8:
            index = self.random.randrange(len(value))
            return value[:index] + [self.hostile(value[index])] + value[index + 1:]
        return self.random.choice(HOSTILE)

#!/usr/bin/env python3
"""Writes the seed corpora of fuzz/corpus/<target>/ from the tests' inputs.

String literals of the listed test files (plain and raw C++ literals) are
picked per target by shape, the bundled scenarios and a recorded HAR are
added, and past findings (issue 16) are written as named entries. File names
are a hash of the content, so running it again adds only what is new.
Usage: fuzz/seed_corpus.py [HAR_FILE]  (a HAR from `scenario run --har`)
"""
import base64, hashlib, json, os, re, sys, zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
LIT = re.compile(r'R"([^(\s]*)\((.*?)\)\1"|"((?:[^"\\\n]|\\.)*)"', re.S)


def literals(*paths):
    out = []
    for p in paths:
        text = open(os.path.join(ROOT, p), encoding="utf-8").read()
        for m in LIT.finditer(text):
            if m.group(2) is not None:
                out.append(m.group(2))
            else:
                try:
                    out.append(bytes(m.group(3), "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8"))
                except (UnicodeDecodeError, UnicodeEncodeError):
                    pass
    return out


def write(target, data, name=None):
    if isinstance(data, str):
        data = data.encode("utf-8")
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    name = name or hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def is_json(s):
    try:
        json.loads(s)
        return True
    except ValueError:
        return False


OPS = re.compile(r"\s(eq|ne|co|sw|ew|gt|ge|lt|le|pr)\b", re.I)
PATCH_ENV = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":%s}'


def scim():
    for s in literals("tests/scim_server/filter_test.cpp", "tests/scim_server/filter_sql_test.cpp",
                      "tests/scim_server/bad_input_test.cpp", "tests/scim_server/root_search_test.cpp"):
        if OPS.search(s) and len(s) < 4096:
            write("scim_filter", s)
    for s in literals("tests/scim_server/patch_apply_test.cpp", "tests/scim_server/okta_spec_test.cpp",
                      "tests/scim_server/okta_traffic_test.cpp"):
        if '"Operations"' in s and is_json(s):
            write("scim_patch", s)
        elif s.lstrip().startswith('[{"op"') and is_json(s):
            write("scim_patch", PATCH_ENV % s)
    for s in literals("tests/scim_server/resource_test.cpp", "tests/scim_server/scim_http_test.cpp",
                      "tests/scim_server/okta_traffic_test.cpp"):
        if '"schemas"' in s and is_json(s) and '"Operations"' not in s:
            write("scim_resource", s)
    for s in literals("tests/core/json_util_test.cpp", "tests/scim_server/bad_input_test.cpp"):
        if s[:1] in "{[" or is_json(s):
            write("json", s)


def okta():
    for s in literals("tests/mock_okta/okta_expression_test.cpp", "tests/mock_okta/api_test.cpp"):
        if OPS.search(" " + s) and len(s) < 4096 and "\n" not in s:
            write("okta_expression", s)


def scenario_files():
    for name in sorted(os.listdir(os.path.join(ROOT, "scenarios"))):
        p = os.path.join(ROOT, "scenarios", name)
        if name.endswith(".json") and not name.endswith(".schema.json") and os.path.getsize(p) < 16384:
            write("scenario", open(p, "rb").read())
    for s in literals("tests/scenarios/format_test.cpp"):
        if s.lstrip()[:1] == "{":
            write("scenario", s)


def har(path):
    doc = json.load(open(path))
    entries = doc["log"]["entries"]
    for i in range(0, len(entries), 3):
        small = {"log": dict(doc["log"], entries=entries[i:i + 3])}
        text = json.dumps(small, separators=(",", ":"))
        if len(text) < 8192:
            write("har_replay", text)
    for e in entries:  # the recorded request bodies: real Okta SCIM traffic
        body = e["request"].get("postData", {}).get("text", "")
        if '"Operations"' in body:
            write("scim_patch", body)
        elif '"schemas"' in body:
            write("scim_resource", body)
        content = e["response"].get("content", {}).get("text", "")
        if content.startswith("{") and '"Resources"' not in content:
            write("scim_resource", content)


def saml():
    acs, sp = "http://localhost:3000/acs", "http://localhost:3000/sp"
    base = ('<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
            'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_req1" Version="2.0" '
            'IssueInstant="2026-01-01T00:00:00Z" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
            'AssertionConsumerServiceURL="%s"%s><saml:Issuer>%s</saml:Issuer><samlp:NameIDPolicy '
            'Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress" AllowCreate="true"/>'
            '</samlp:AuthnRequest>')
    docs = [base % (acs, "", sp), base % (acs, ' ForceAuthn="true"', sp),
            '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
            '<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_l1" Version="2.0"/>']
    for d in docs:
        raw = zlib.compressobj(9, zlib.DEFLATED, -15)
        deflated = raw.compress(d.encode()) + raw.flush()
        write("saml_request", d)
        write("saml_request", deflated)
        write("saml_request", base64.b64encode(deflated))
        write("saml_request", base64.encodebytes(d.encode()))  # POST binding: line breaks


def oauth():
    q = ("client_id=CLIENT&redirect_uri=REDIRECT&response_type=code&scope=openid%20profile%20email"
         "&state=s1&nonce=n1&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256")
    forms = ["grant_type=authorization_code&code=abc&redirect_uri=REDIRECT&client_id=CLIENT&client_secret=SECRET"
             "&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r2XkJpZfJ9Ek",
             "grant_type=refresh_token&refresh_token=r1&client_id=CLIENT&client_secret=SECRET&scope=openid",
             "grant_type=client_credentials&client_id=CLIENT&client_secret=SECRET&scope=custom",
             "token=abc&token_type_hint=access_token&client_id=CLIENT&client_secret=SECRET"]
    thirds = ["sid=SESSION", "Basic Q0xJRU5UOlNFQ1JFVA==",
              "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiIwMHUxIn0.c2ln"]
    for f in forms:
        for t in thirds:
            write("oauth_request", "\n".join([q, f, t]))
    write("oauth_request", q + "&prompt=none&max_age=0&login_hint=ann%40example.com&response_mode=form_post\n\n")
    write("oauth_request", "id_token_hint=x.y.z&post_logout_redirect_uri=http%3A%2F%2Flocalhost%3A3000%2F&state=a\n")
    write("oauth_request", "client_id=CLIENT&client_id=CLIENT\nclient_id=a&client_id=b\n")


def past_findings():
    # Issue 16: recursion without a limit, 1e400, dates past 2262, >88 `or` terms, wrong JSON types.
    write("okta_expression", "(" * 3000 + 'status eq "ACTIVE"' + ")" * 3000, "issue16-nested-3000")
    write("okta_expression", " or ".join('profile.login eq "u%d"' % i for i in range(300)), "issue16-300-or")
    write("scim_filter", "(" * 3000 + 'userName eq "a"' + ")" * 3000, "issue16-nested-3000")
    write("scim_filter", 'meta.lastModified gt "2300-01-01T00:00:00Z"', "issue16-date-2300")
    write("scim_filter", 'meta.created lt "1600-01-01T00:00:00Z"', "issue16-date-1600")
    write("scim_filter", " or ".join('userName eq "u%d"' % i for i in range(89)), "issue16-89-or")
    write("scim_filter", " or ".join('emails.value eq "u%d"' % i for i in range(1000)), "issue16-1000-or")
    write("scim_filter", 'userName eq 1e400', "issue16-1e400")
    write("json", '{"a":1e400}', "issue16-1e400")
    write("json", '[-1e400, 1e-400]', "issue16-1e400-array")
    write("json", "[" * 3000 + "]" * 3000, "issue16-nested-3000")
    write("scim_resource", '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":1e400}',
          "issue16-1e400")
    write("scim_resource", '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":5,'
          '"name":{"givenName":["x"]},"emails":"a@b"}', "issue16-wrong-types")
    write("scim_resource", '{"schemas":"urn:ietf:params:scim:schemas:core:2.0:Group","displayName":{"a":1}}',
          "issue16-wrong-types-group")
    write("scim_patch", PATCH_ENV % '[{"op":5,"path":["a"],"value":1e400}]', "issue16-wrong-types")
    write("scim_patch", PATCH_ENV % '{"op":"replace"}', "issue16-operations-object")
    write("scim_patch", PATCH_ENV % ('[{"op":"add","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":'
                                     '{"schemas":["x"],"employeeNumber":"1"}}}]'), "issue16-extension-schemas")
    write("har_replay", '{"log":{"entries":[{"request":5,"response":{"status":"200"}},7,{"response":[]}]}}',
          "issue16-wrong-types")
    write("har_replay", '{"log":{"entries":[{"request":{"method":"GET","url":5},"response":{"status":200,'
          '"content":{"text":5}},"_target":["x"]}]}}', "issue16-wrong-types-fields")
    write("scenario", '{"name":5,"steps":{"a":1},"setup":[],"expect":"x"}', "issue16-wrong-types")


if __name__ == "__main__":
    scim()
    okta()
    scenario_files()
    if len(sys.argv) > 1:
        har(sys.argv[1])
    saml()
    oauth()
    past_findings()

// A second fediverse server for folio's interoperability test, built
// with Fedify (https://fedify.dev), which folio's authors did not write.
// It serves one actor, alice, records the activities its inbox accepts
// (Fedify verifies their HTTP signatures first and refuses bad ones),
// and acts when the test asks on /control/*: follow a handle, reply to
// an object, like it, delete a note. FEDIFY_DIR names Fedify's package
// folder. It prints "listening URL" once it serves.
import http from "node:http";
import { pathToFileURL } from "node:url";

const fedify = await import(pathToFileURL(process.env.FEDIFY_DIR + "/esm/mod.js").href);
const {
  createFederation, MemoryKvStore, Person, Endpoints, Follow, Undo, Create, Update, Delete, Like, Accept,
  Note, Tombstone, Mention, generateCryptoKeyPair, PUBLIC_COLLECTION,
} = fedify;

const federation = createFederation({ kv: new MemoryKvStore(), allowPrivateAddress: true });
const keys = [await generateCryptoKeyPair("RSASSA-PKCS1-v1_5")];

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== "alice") return null;
    const pairs = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: "Alice Peer",
      url: new URL("/@alice", ctx.url),
      inbox: ctx.getInboxUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      publicKey: pairs[0].cryptographicKey,
    });
  })
  .setKeyPairsDispatcher(async (_ctx, identifier) => (identifier === "alice" ? keys : []));

const received = [];
const record = async (kind, act) => {
  let object = null;
  try {
    object = await act.getObject();
  } catch (e) {
    console.error("object of", kind, e);
  }
  received.push({
    type: kind,
    id: act.id?.href,
    actor: act.actorId?.href,
    objectId: object?.id?.href ?? act.objectId?.href,
    objectType: object?.constructor?.name,
    name: object?.name?.toString(),
    content: object?.content?.toString(),
    inReplyTo: object?.replyTargetId?.href,
    url: object?.url?.href,
  });
};
federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Accept, (_ctx, act) => record("Accept", act))
  .on(Create, (_ctx, act) => record("Create", act))
  .on(Update, (_ctx, act) => record("Update", act))
  .on(Delete, (_ctx, act) => record("Delete", act))
  .onError((_ctx, e) => console.error("inbox error", e));

let base = "";
let folio = null; // the folio actor followed
let n = 0;
const ctx = () => federation.createContext(new URL(base), undefined);
const alice = () => ctx().getActorUri("alice");

const control = {
  async follow({ handle }) {
    folio = await ctx().lookupObject(handle);
    if (folio == null) throw new Error("could not look up " + handle);
    await ctx().sendActivity({ identifier: "alice" }, folio,
      new Follow({ id: new URL(`${base}/follows/${++n}`), actor: alice(), object: folio.id }));
    return { actor: folio.id.href };
  },
  async unfollow() {
    const follow = new Follow({ id: new URL(`${base}/follows/${n}`), actor: alice(), object: folio.id });
    await ctx().sendActivity({ identifier: "alice" }, folio,
      new Undo({ id: new URL(`${base}/undo/${++n}`), actor: alice(), object: follow }));
    return {};
  },
  async reply({ inReplyTo, content }) {
    const note = new Note({
      id: new URL(`${base}/notes/${++n}`), attribution: alice(), replyTarget: new URL(inReplyTo),
      url: new URL(`${base}/@alice/${n}`), content,
      to: PUBLIC_COLLECTION, ccs: [folio.id], tags: [new Mention({ href: folio.id, name: "@folio" })],
    });
    await ctx().sendActivity({ identifier: "alice" }, folio,
      new Create({ id: new URL(note.id.href + "#create"), actor: alice(), object: note, to: PUBLIC_COLLECTION, ccs: [folio.id] }));
    return { id: note.id.href };
  },
  async like({ object }) {
    await ctx().sendActivity({ identifier: "alice" }, folio,
      new Like({ id: new URL(`${base}/likes/${++n}`), actor: alice(), object: new URL(object) }));
    return {};
  },
  async delete({ id }) {
    await ctx().sendActivity({ identifier: "alice" }, folio,
      new Delete({ id: new URL(id + "#delete"), actor: alice(), object: new Tombstone({ id: new URL(id) }), to: PUBLIC_COLLECTION }));
    return {};
  },
  async received() {
    return received;
  },
};

const server = http.createServer(async (req, res) => {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const body = Buffer.concat(chunks);
  const url = new URL(req.url, `http://${req.headers.host}`);
  try {
    const name = url.pathname.startsWith("/control/") && url.pathname.slice("/control/".length);
    if (name && control[name]) {
      const out = await control[name](body.length ? JSON.parse(body) : {});
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(out));
      return;
    }
    const request = new Request(url, {
      method: req.method,
      headers: Object.entries(req.headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]])),
      body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
    });
    const response = await federation.fetch(request, {
      contextData: undefined,
      onNotFound: () => new Response("not found", { status: 404 }),
      onNotAcceptable: () => new Response("not acceptable", { status: 406 }),
    });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (e) {
    console.error(url.pathname, e);
    res.writeHead(500, { "content-type": "text/plain" });
    res.end(String(e?.stack ?? e));
  }
});
server.listen(0, "127.0.0.1", () => {
  base = `http://127.0.0.1:${server.address().port}`;
  console.log("listening " + base);
});

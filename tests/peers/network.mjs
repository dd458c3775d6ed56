// A complete local AT Protocol network for Tribune's peer tests, on 127.0.0.1 ("localhost"):
// PLC directory (in memory), PDS (SQLite), AppView + Bsync + Ozone (PostgreSQL + Redis).
//
// Started by tests/peers/bluesky.py with Node >= 22 from scripts/peers/install_bluesky.sh.
// Environment:
//   ATP_DIR          directory where @atproto/dev-env is installed (required)
//   DB_POSTGRES_URL  a PostgreSQL database this run owns (required)
//   REDIS_HOST       host:port of Redis (required)
//   ATP_PDS_PORT, ATP_APPVIEW_PORT, ATP_PLC_PORT   fixed ports; unset or 0 = free ports
// Prints one line "READY plc=<url> pds=<url> appview=<url> ms=<startup ms>" when usable,
// and stops cleanly on SIGTERM/SIGINT.
import { createRequire } from 'node:module'
import net from 'node:net'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const atpDir = process.env.ATP_DIR
if (!atpDir) {
  console.error('network.mjs: ATP_DIR is not set (run scripts/peers/install_bluesky.sh)')
  process.exit(2)
}
// Resolve dev-env from the install directory, not from this file's location.
const devEnvMain = createRequire(path.join(atpDir, 'package.json')).resolve('@atproto/dev-env')
const { TestNetwork } = await import(pathToFileURL(devEnvMain).href)
// util.js is not in the package's exports map; import it by path.
const { mockMailer } = await import(pathToFileURL(path.join(path.dirname(devEnvMain), 'util.js')).href)

// dev-env's servers call listen(port) with no host, i.e. on every interface, and it has
// known admin passwords: keep them on loopback by giving such calls a default host.
const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' && typeof args[1] !== 'string') args.splice(1, 0, '127.0.0.1')
  else if (args[0] && typeof args[0] === 'object' && 'port' in args[0] && !args[0].host) {
    args[0] = { ...args[0], host: '127.0.0.1' }
  }
  return listen.apply(this, args)
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })

const portFromEnv = async (name) => {
  const value = Number(process.env[name] || 0)
  return value > 0 ? value : await freePort()
}

const t0 = Date.now()
const pdsPort = await portFromEnv('ATP_PDS_PORT')
const appviewPort = await portFromEnv('ATP_APPVIEW_PORT')
const plcPort = await portFromEnv('ATP_PLC_PORT')

let network
try {
  network = await TestNetwork.create({
    pds: { port: pdsPort, hostname: 'localhost', inviteRequired: false },
    // The AppView's public URL is what image and avatar links point to.
    bsky: { dbPostgresSchema: 'bsky', port: appviewPort, publicUrl: `http://localhost:${appviewPort}` },
    plc: { port: plcPort },
    ozone: { chatUrl: 'http://localhost:1', chatDid: 'did:example:chat' },
  })
} catch (err) {
  if (err && err.code === 'EADDRINUSE') {
    console.error(`network.mjs: PORT IN USE: ${err.message}`)
    process.exit(3)
  }
  throw err
}
mockMailer(network.pds) // create_account would otherwise try to send email

console.log(
  `READY plc=${network.plc.url} pds=${network.pds.url} appview=${network.bsky.url} ms=${Date.now() - t0}`,
)

let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  try {
    await network.close()
  } finally {
    process.exit(0)
  }
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)

// Node-RED headless, as a benchmark peer: no editor, no admin API, no
// projects; logs warnings only (NODE_RED_LOG=info for more). Port and flow
// file come from the bench script (NODE_RED_PORT, NODE_RED_FLOW); flows read
// their paths from the environment (${IN_FILE}, ${OUT_FILE}).
module.exports = {
  uiHost: "127.0.0.1",
  uiPort: Number(process.env.NODE_RED_PORT || 1880),
  flowFile: process.env.NODE_RED_FLOW,
  httpAdminRoot: false,
  httpNodeRoot: "/",
  credentialSecret: false,
  disableEditor: true,
  editorTheme: { projects: { enabled: false } },
  logging: { console: { level: process.env.NODE_RED_LOG || "warn", metrics: false, audit: false } },
};

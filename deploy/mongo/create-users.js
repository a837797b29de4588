// One user per service, allowed to read and write its own database only (role readWrite there);
// defined in admin, so the services log in with authSource=admin. Run by the mongo image once, on
// the first start with an empty data folder (/docker-entrypoint-initdb.d), as the root user.
const fs = require("fs");

const SERVICES = ["intake", "workflow", "notify", "reporting"];
const admin = db.getSiblingDB("admin");

for (const service of SERVICES) {
  const pwd = fs.readFileSync(`/run/secrets/${service}_mongodb_password`, "utf8").trim();
  if (!pwd) {
    throw new Error(`the secret ${service}_mongodb_password is empty`);
  }
  admin.createUser({ user: service, pwd, roles: [{ role: "readWrite", db: service }] });
  print(`created MongoDB user ${service} (readWrite on ${service})`);
}

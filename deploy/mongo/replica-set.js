// Initiates replica set rs0 with the three members of deploy/production/compose.yml, unless it is
// initiated already, then waits until it has a primary. Run by the mongo-init service as root on
// the first member (the one that holds the users), at every `up`.
const MEMBERS = ["mongo:27017", "mongo-2:27017", "mongo-3:27017"];
const PATIENCE_S = 120;

try {
  rs.status();
  print("replica set rs0 is initiated already");
} catch (error) {
  if (error.codeName !== "NotYetInitialized") {
    throw error;
  }
  rs.initiate({ _id: "rs0", members: MEMBERS.map((host, index) => ({ _id: index, host })) });
  print(`initiated replica set rs0: ${MEMBERS.join(", ")}`);
}
for (let waited = 0; !db.hello().primary; waited += 1) {
  if (waited >= PATIENCE_S) {
    throw new Error(`replica set rs0 has no primary after ${PATIENCE_S} s`);
  }
  sleep(1000);
}
print(`replica set rs0 has its primary: ${db.hello().primary}`);

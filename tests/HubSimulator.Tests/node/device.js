// The official Azure IoT Node.js device SDK as a twin, direct-method and cloud-to-device peer of the simulator (X.509).
// Usage: node device.js <host:port> <deviceId> <cert.pem (may hold the chain)> <key.pem> <server-ca.pem> <model id> [Mqtt|Amqp]
// The transport names are the module's Device__Transport values (the SDK sends the model id over MQTT only).
// Prints one JSON line per event ({"event":"twin"|"reported"|"ready"|"desired"|"c2d"|"method", ...}); the test drives
// the service side through the simulator's admin API and reads them. Exits 0 once it has seen a desired patch, a
// cloud-to-device message (completed) and a `getStatus` call (answered).
'use strict';
const fs = require('fs');
const { Client } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');
const { Amqp } = require('azure-iot-device-amqp');

const [host, deviceId, certPath, keyPath, caPath, modelId, transportName = 'Mqtt'] = process.argv.slice(2);
const transports = { Mqtt, Amqp };
if (!modelId || !transports[transportName]) {
  console.error('usage: node device.js <host:port> <deviceId> <cert.pem> <key.pem> <server-ca.pem> <model id> [Mqtt|Amqp]');
  process.exit(2);
}

const emit = (event, data) => console.log(JSON.stringify({ event, ...data }));
const seen = new Set();
let client;

function done(what) {
  seen.add(what);
  if (seen.size === 3) {
    client.close().then(() => process.exit(0), () => process.exit(1));
  }
}

async function main() {
  client = Client.fromConnectionString(`HostName=${host};DeviceId=${deviceId};x509=true`, transports[transportName]);
  client.setOptions({
    cert: fs.readFileSync(certPath, 'utf8'),
    key: fs.readFileSync(keyPath, 'utf8'),
    ca: fs.readFileSync(caPath, 'utf8'),
    modelId,
  });
  client.on('error', (err) => emit('error', { message: String(err && err.message) }));
  client.on('message', (message) => {
    client.complete(message, (err) => {
      emit('c2d', { body: message.data.toString(), messageId: message.messageId, expiryTimeUtc: message.expiryTimeUtc, completed: !err });
      done('c2d');
    });
  });
  client.onDeviceMethod('getStatus', (request, response) => {
    response.send(200, { answeredBy: 'node-sdk', echo: request.payload }, (err) => {
      emit('method', { name: request.methodName, payload: request.payload, answered: !err });
      done('method');
    });
  });
  await client.open();

  const twin = await client.getTwin();
  emit('twin', { desired: twin.properties.desired, reported: twin.properties.reported });
  await new Promise((resolve, reject) => twin.properties.reported.update({ firmware: 'node-sdk' }, (err) => (err ? reject(err) : resolve())));
  emit('reported', { version: twin.properties.reported.$version });

  // The SDK subscribes to desired patches when the first listener is added, in the background, and calls it at once
  // (next tick) with the whole desired document: that first call is skipped. The subscription is made again here
  // and awaited, so 'ready' means the hub will push the next patch.
  let initial = true;
  twin.on('properties.desired', (delta) => {
    if (initial) {
      initial = false;
      return;
    }
    emit('desired', { delta });
    done('desired');
  });
  await new Promise((resolve, reject) => twin.enableTwinDesiredPropertiesUpdates((err) => (err ? reject(err) : resolve())));
  emit('ready', { desiredVersion: twin.properties.desired.$version });
}

main().catch((err) => {
  console.error(`node peer failed: ${err && err.message ? err.message : err}`);
  process.exit(1);
});

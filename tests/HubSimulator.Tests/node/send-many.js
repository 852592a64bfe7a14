// Benchmark sender (bench/EndToEnd): sends N seed-shaped readings through the official Azure IoT Node.js device SDK (X.509, MQTT/TLS at
// QoS 1, or AMQP/TLS), keeping up to IN_FLIGHT sendEvent calls outstanding. sendEvent completes on the PUBACK (MQTT) or on the hub's
// Accepted disposition of the unsettled message (AMQP: azure-iot-amqp-base's SenderLink keeps it pending until then). Usage:
//   node send-many.js <host:port> <deviceId> <certChainPem> <keyPem> <caPem> <count> <inFlight> [Mqtt|Amqp]
'use strict';
const fs = require('fs');
const { Client, Message } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');
const { Amqp } = require('azure-iot-device-amqp');

const [hostPort, deviceId, certPath, keyPath, caPath, countText, inFlightText, transportName = 'Mqtt'] = process.argv.slice(2);
const count = Number(countText);
const inFlight = Number(inFlightText);
const transports = { Mqtt, Amqp };
if (!transports[transportName] || !(count > 0) || !(inFlight > 0)) {
  console.error('usage: node send-many.js <host:port> <deviceId> <cert.pem> <key.pem> <server-ca.pem> <count> <inFlight> [Mqtt|Amqp]');
  process.exit(2);
}

const client = Client.fromConnectionString(`HostName=${hostPort};DeviceId=${deviceId};x509=true`, transports[transportName]);
client.setOptions({
  cert: fs.readFileSync(certPath, 'utf8'),
  key: fs.readFileSync(keyPath, 'utf8'),
  ca: fs.readFileSync(caPath, 'utf8'),
});

function message(id) {
  const temperature = 20 + (id % 150) / 10;
  const body = JSON.stringify({
    deviceId, messageId: id, temperature, humidity: 60 + (id % 200) / 10, timestamp: new Date().toISOString(),
  });
  const m = new Message(body);
  m.messageId = `${deviceId}-${id}`;
  m.contentType = 'application/json';
  m.contentEncoding = 'utf-8';
  m.properties.add('temperatureAlert', temperature > 30 ? 'true' : 'false');
  return m;
}

async function main() {
  await client.open();
  let next = 0;
  async function worker() {
    while (next < count) {
      const id = next++;
      await client.sendEvent(message(id));
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker));
  await client.close();
}

main().catch((err) => { console.error(`node sender failed: ${err.message}`); process.exit(1); });

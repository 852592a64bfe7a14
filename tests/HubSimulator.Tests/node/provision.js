// The official Azure IoT Node.js provisioning SDK registering an X.509 device with DPS over MQTT.
// Usage: node provision.js <host:port> <idScope> <registrationId> <cert.pem (may hold the chain)> <key.pem> <server-ca.pem>
// Prints one line: "assigned <hub> <deviceId>", or exits 1 with the SDK's error.
'use strict';
const fs = require('fs');
const { ProvisioningDeviceClient } = require('azure-iot-provisioning-device');
const { Mqtt } = require('azure-iot-provisioning-device-mqtt');
const { X509Security } = require('azure-iot-security-x509');
// The transport's own MqttBase (a nested copy): the only way to hand it a server CA (reference/dps.md section 7).
const { MqttBase } = require(require.resolve('azure-iot-mqtt-base', { paths: [require.resolve('azure-iot-provisioning-device-mqtt')] }));

const [host, idScope, registrationId, certPath, keyPath, caPath] = process.argv.slice(2);
if (!caPath) {
  console.error('usage: node provision.js <host:port> <idScope> <registrationId> <cert.pem> <key.pem> <server-ca.pem>');
  process.exit(2);
}

async function main() {
  const base = new MqttBase();
  base.setOptions({ ca: fs.readFileSync(caPath, 'utf8') });
  const security = new X509Security(registrationId, { cert: fs.readFileSync(certPath, 'utf8'), key: fs.readFileSync(keyPath, 'utf8') });
  const client = ProvisioningDeviceClient.create(host, idScope, new Mqtt(base), security);
  const result = await client.register();
  console.log(`assigned ${result.assignedHub} ${result.deviceId}`);
}

main().catch((err) => {
  console.error(`node provisioning peer failed: ${err && err.message ? err.message : err}`);
  process.exit(1);
});

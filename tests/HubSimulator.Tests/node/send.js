// The official Azure IoT Node.js device SDK sending the seed tutorial's message with an X.509 identity.
// Usage: node send.js <host:port> <deviceId> <cert.pem (may hold the chain)> <key.pem> <server-ca.pem> [mqtt|mqttws]
// mqttws is the SDK's MQTT over WebSocket transport (MqttWs). It always dials port 443; for a test port, the
// <host:port> goes in the URL in place of <host>:443, and nothing else of the transport changes.
'use strict';
const fs = require('fs');
const { Client, Message } = require('azure-iot-device');
const { Mqtt, MqttWs } = require('azure-iot-device-mqtt');

const [host, deviceId, certPath, keyPath, caPath, transportName = 'mqtt'] = process.argv.slice(2);

class MqttWsOnTestPort extends MqttWs {
  _getBaseTransportConfig(credentials) {
    const config = super._getBaseTransportConfig(credentials);
    if (host.includes(':')) {
      config.uri = config.uri.replace(`${host}:443/`, `${host}/`);
    }
    return config;
  }
}

const transports = { mqtt: Mqtt, mqttws: MqttWsOnTestPort };
if (!caPath) {
  console.error('usage: node send.js <host:port> <deviceId> <cert.pem> <key.pem> <server-ca.pem>');
  process.exit(2);
}

async function main() {
  const transport = transports[transportName];
  if (!transport) {
    throw new Error(`unknown transport '${transportName}': use mqtt or mqttws`);
  }
  const client = Client.fromConnectionString(`HostName=${host};DeviceId=${deviceId};x509=true`, transport);
  client.setOptions({
    cert: fs.readFileSync(certPath, 'utf8'),
    key: fs.readFileSync(keyPath, 'utf8'),
    ca: fs.readFileSync(caPath, 'utf8'),
  });
  await client.open();
  const body = { deviceId, messageId: 7, temperature: 31.5, humidity: 64.25, timestamp: new Date().toISOString() };
  const message = new Message(JSON.stringify(body));
  message.messageId = 'abc';
  message.contentType = 'application/json';
  message.contentEncoding = 'utf-8';
  message.properties.add('temperatureAlert', 'true');
  await client.sendEvent(message);
  console.log('sent');
  await client.close();
}

main().catch((err) => {
  console.error(`node peer failed: ${err && err.message ? err.message : err}`);
  process.exit(1);
});

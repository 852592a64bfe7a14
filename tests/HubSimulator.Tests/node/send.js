// The official Azure IoT Node.js device SDK sending the seed tutorial's message with an X.509 identity.
// Usage: node send.js <host:port> <deviceId> <cert.pem (may hold the chain)> <key.pem> <server-ca.pem> [Mqtt|Amqp|MqttWebSocket|AmqpWebSocket]
// The transport names are the module's Device__Transport values. MqttWebSocket and AmqpWebSocket are the SDK's MqttWs
// and AmqpWs transports: they always dial port 443; for a test port, the <host:port> goes in the URL in place of
// <host>:443, nothing else changes.
'use strict';
const fs = require('fs');
const { Client, Message } = require('azure-iot-device');
const { Mqtt, MqttWs } = require('azure-iot-device-mqtt');
const { Amqp, AmqpWs } = require('azure-iot-device-amqp');

const [host, deviceId, certPath, keyPath, caPath, transportName = 'Mqtt'] = process.argv.slice(2);

class MqttWsOnTestPort extends MqttWs {
  _getBaseTransportConfig(credentials) {
    const config = super._getBaseTransportConfig(credentials);
    if (host.includes(':')) {
      config.uri = config.uri.replace(`${host}:443/`, `${host}/`);
    }
    return config;
  }
}

class AmqpWsOnTestPort extends AmqpWs {
  _getConnectionUri(credentials) {
    return super._getConnectionUri(credentials).replace(`${host}:443/`, `${host}/`);
  }
}

const transports = { Mqtt, Amqp, MqttWebSocket: MqttWsOnTestPort, AmqpWebSocket: AmqpWsOnTestPort };
if (!caPath || !transports[transportName]) {
  console.error('usage: node send.js <host:port> <deviceId> <cert.pem> <key.pem> <server-ca.pem> [Mqtt|Amqp|MqttWebSocket|AmqpWebSocket]');
  process.exit(2);
}

async function main() {
  const client = Client.fromConnectionString(`HostName=${host};DeviceId=${deviceId};x509=true`, transports[transportName]);
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

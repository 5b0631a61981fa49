export { startRootCACertPublisher, syncRootCA, rootCAConfigMapName, rootCAKey, type RootCACertPublisherOptions } from './controller.js';

export { startResourceQuotaController, type ResourceQuotaControllerOptions } from './controller.js';

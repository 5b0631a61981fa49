export { startServiceAccountController, syncServiceAccounts, type ServiceAccountControllerOptions } from './controller.js';

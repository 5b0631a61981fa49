export { startCronJobController, type CronJobControllerOptions } from './controller.js';
export { syncCronJob, jobNameFor, newJobFromCronJob, scheduledTimestampAnnotation, type CronJob, type CronJobSyncDeps } from './sync.js';
export { parseSchedule, nextTime, mostRecentTime, ScheduleParseError, type Schedule } from './schedule.js';
export { formatInZone, UnknownTimeZoneError } from './timezone.js';

/** Upper bound of `train.jobs`: more replicas than this only multiply memory. */
export const MAX_JOBS = 64;

// Tests never reach AWS: fixed dummy credentials and region, no IMDS, one attempt so faults surface.
process.env.AWS_REGION = 'eu-west-1';
process.env.AUTOSCALER_LOG = 'silent';
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_MAX_ATTEMPTS = '1';
delete process.env.AWS_SESSION_TOKEN;
delete process.env.AWS_PROFILE;

import '../sim/polyfills.js';

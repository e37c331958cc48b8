/** Runs bcrypt for password-hashing.ts on a worker thread, so password checks never block the event loop. */
import { parentPort } from 'node:worker_threads';
import bcrypt from 'bcryptjs';

export type HashingJob = { kind: 'compare'; password: string; hash: string } | { kind: 'hash'; password: string; cost: number };

parentPort!.on('message', (job: HashingJob) => {
  try {
    const result = job.kind === 'compare' ? bcrypt.compareSync(job.password, job.hash) : bcrypt.hashSync(job.password, job.cost);
    parentPort!.postMessage({ result });
  } catch (err) {
    parentPort!.postMessage({ error: (err as Error).message });
  }
});

import type { ClusterState } from '../model/cluster.js';

/** Read access to the Mesos master (and Marathon). Implementations throw AutoscalerError on failure. */
export interface MesosReader {
  readCluster(): Promise<ClusterState>;
}

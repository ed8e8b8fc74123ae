/** The scalar resources the autoscaler reasons about. mem and disk are MB, cpus fractional cores, gpus devices. */
export const RESOURCE_NAMES = ['cpus', 'mem', 'disk', 'gpus'] as const;
export type ResourceName = (typeof RESOURCE_NAMES)[number];
export type Resources = Readonly<Record<ResourceName, number>>;

export const ZERO_RESOURCES: Resources = Object.freeze({ cpus: 0, mem: 0, disk: 0, gpus: 0 });

export function resources(partial: Partial<Record<ResourceName, number>> = {}): Resources {
  return { cpus: partial.cpus ?? 0, mem: partial.mem ?? 0, disk: partial.disk ?? 0, gpus: partial.gpus ?? 0 };
}

export function addResources(a: Resources, b: Resources): Resources {
  return { cpus: a.cpus + b.cpus, mem: a.mem + b.mem, disk: a.disk + b.disk, gpus: a.gpus + b.gpus };
}

export function subtractResources(a: Resources, b: Resources): Resources {
  return { cpus: a.cpus - b.cpus, mem: a.mem - b.mem, disk: a.disk - b.disk, gpus: a.gpus - b.gpus };
}

export function maxResources(a: Resources, b: Resources): Resources {
  return {
    cpus: Math.max(a.cpus, b.cpus),
    mem: Math.max(a.mem, b.mem),
    disk: Math.max(a.disk, b.disk),
    gpus: Math.max(a.gpus, b.gpus),
  };
}

export function sumResources(list: Iterable<Resources>): Resources {
  let sum = ZERO_RESOURCES;
  for (const r of list) sum = addResources(sum, r);
  return sum;
}

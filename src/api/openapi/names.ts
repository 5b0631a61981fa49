// Small naming helpers shared by the path builders.

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

export const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

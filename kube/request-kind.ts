// What a Kubernetes API request is, for counting: its verb as kube-apiserver's metrics name it (GET of one
// object, LIST of a collection, WATCH, CREATE, APPLY, PATCH, UPDATE, DELETE) and its resource, with the
// subresource (`readonlypools/status`).

/** A request's verb and resource, e.g. `{ verb: 'LIST', resource: 'pods' }`. */
export interface RequestKind {
  verb: string;
  resource: string;
}

/**
 * The kind of `method` on `path` (`/api/v1/namespaces/x/pods`, `/apis/group/version/...`); `contentType` tells
 * an apply from another patch. Paths outside the resource API (`/version`, `/metrics`) are `non-resource`.
 */
export function requestKind(method: string, path: string, contentType?: string): RequestKind {
  const segments = path.split('?')[0]?.split('/').filter(Boolean) ?? [];
  const rest = segments[0] === 'api' ? segments.slice(2) : segments[0] === 'apis' ? segments.slice(3) : undefined;
  if (!rest || rest.length === 0) return { verb: method.toUpperCase(), resource: 'non-resource' };
  // namespaces/<ns>/<resource>[/<name>[/<sub>]], or <resource>[/<name>[/<sub>]] (namespaces themselves included).
  const scoped = rest[0] === 'namespaces' && rest.length >= 3 ? rest.slice(2) : rest;
  const [resource = '', name, subresource] = scoped;
  const named = name !== undefined;
  return { verb: verbOf(method.toUpperCase(), named, contentType), resource: subresource ? `${resource}/${subresource}` : resource };
}

function verbOf(method: string, named: boolean, contentType: string | undefined): string {
  switch (method) {
    case 'GET': return named ? 'GET' : 'LIST';
    case 'POST': return 'CREATE';
    case 'PUT': return 'UPDATE';
    case 'PATCH': return contentType === 'application/apply-patch+yaml' ? 'APPLY' : 'PATCH';
    default: return method;
  }
}

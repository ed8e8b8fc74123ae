import type { AwsBackend } from './aws-backend.js';
import { fields, type JsonInput } from './json-fields.js';
import { ACCOUNT_ID, type RequestContext } from './request-context.js';
import { WireError } from './wire-error.js';

/** GetParametersByPath returns at most this many per page (and defaults to it). */
const MAX_PAGE = 10;
/** GetParameters accepts at most this many names. */
const MAX_NAMES = 10;

/** What SSM keeps besides the value. The value is kept too, to see changes made to the map directly. */
interface Metadata {
  value: string;
  type: string;
  version: number;
  /** Epoch ms. */
  modifiedAt: number;
}

const validation = (message: string) => new WireError('ValidationException', message);

/**
 * SSM Parameter Store (JSON 1.1) over `backend.parameters`: GetParameter, GetParameters,
 * GetParametersByPath and PutParameter. Versions start at 1 and grow with every change, whether
 * it came through PutParameter or through the map; values are never encrypted, so
 * WithDecryption makes no difference.
 */
export function createSsmApi(backend: AwsBackend): (operation: string, input: JsonInput, context: RequestContext) => unknown {
  const { parameters } = backend;
  const metadata = new Map<string, Metadata>();
  const startedAt = backend.now();

  function describe(name: string, value: string): Metadata {
    const known = metadata.get(name);
    if (known === undefined) {
      const first = { value, type: 'String', version: 1, modifiedAt: startedAt };
      metadata.set(name, first);
      return first;
    }
    if (known.value !== value) Object.assign(known, { value, version: known.version + 1, modifiedAt: backend.now() });
    return known;
  }

  function parameterJson(name: string, value: string, region: string) {
    const meta = describe(name, value);
    return {
      Name: name,
      Type: meta.type,
      Value: value,
      Version: meta.version,
      // JSON timestamps are epoch seconds as numbers; the SDK throws on ISO strings.
      LastModifiedDate: meta.modifiedAt / 1000,
      ARN: `arn:aws:ssm:${region}:${ACCOUNT_ID}:parameter${name.startsWith('/') ? '' : '/'}${name}`,
      DataType: 'text',
    };
  }

  function getParameter(input: JsonInput, context: RequestContext) {
    const name = fields(input, 'ValidationException').string('Name');
    const value = parameters.get(name);
    if (value === undefined) throw new WireError('ParameterNotFound', `Parameter ${name} not found.`);
    return { Parameter: parameterJson(name, value, context.region) };
  }

  function getParameters(input: JsonInput, context: RequestContext) {
    const names = fields(input, 'ValidationException').optionalStrings('Names') ?? [];
    if (names.length < 1 || names.length > MAX_NAMES) {
      throw validation(`1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length between 1 and ${MAX_NAMES}`);
    }
    const found = names.flatMap((name) => {
      const value = parameters.get(name);
      return value === undefined ? [] : [parameterJson(name, value, context.region)];
    });
    return { Parameters: found, InvalidParameters: names.filter((name) => !parameters.has(name)) };
  }

  function getParametersByPath(input: JsonInput, context: RequestContext) {
    const f = fields(input, 'ValidationException');
    const path = f.string('Path');
    const recursive = f.optionalBoolean('Recursive') ?? false;
    const maxResults = f.optionalNumber('MaxResults') ?? MAX_PAGE;
    const token = f.optionalString('NextToken');
    if ((input.ParameterFilters as unknown[] | undefined)?.length) throw validation('ParameterFilters are not supported by the local endpoint');
    if (!path.startsWith('/')) throw validation(`The parameter path ${path} is not valid: it must begin with a forward slash.`);
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_PAGE) {
      throw validation(`1 validation error detected: Value '${maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${MAX_PAGE}`);
    }
    if (token !== null && token !== '' && !/^\d+$/.test(token)) throw new WireError('InvalidNextToken', 'The specified token is not valid.');

    const prefix = path.endsWith('/') ? path : `${path}/`;
    const names = [...parameters.keys()]
      .filter((name) => name.startsWith(prefix) && (recursive || !name.slice(prefix.length).includes('/')))
      .sort();
    const offset = token ? Number(token) : 0;
    const end = offset + maxResults;
    const page = names.slice(offset, end).map((name) => parameterJson(name, parameters.get(name)!, context.region));
    // No NextToken on the last page: the paginator stops on a missing token.
    return end < names.length ? { Parameters: page, NextToken: String(end) } : { Parameters: page };
  }

  function putParameter(input: JsonInput) {
    const f = fields(input, 'ValidationException');
    const name = f.string('Name');
    const value = f.string('Value');
    const type = f.optionalString('Type');
    const overwrite = f.optionalBoolean('Overwrite') ?? false;
    if (type !== null && !['String', 'StringList', 'SecureString'].includes(type)) {
      throw validation(`1 validation error detected: Value '${type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]`);
    }
    const current = parameters.get(name);
    if (current !== undefined && !overwrite) {
      throw new WireError('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
    }
    const known = current === undefined ? undefined : describe(name, current);
    const meta: Metadata = {
      value,
      type: type ?? known?.type ?? 'String',
      version: (known?.version ?? 0) + 1,
      modifiedAt: backend.now(),
    };
    metadata.set(name, meta);
    parameters.set(name, value);
    return { Version: meta.version, Tier: 'Standard' };
  }

  return (operation, input, context) => {
    switch (operation) {
      case 'GetParameter':
        return getParameter(input, context);
      case 'GetParameters':
        return getParameters(input, context);
      case 'GetParametersByPath':
        return getParametersByPath(input, context);
      case 'PutParameter':
        return putParameter(input);
      default:
        throw new WireError('UnknownOperationException', `The operation ${operation} is not supported by the local endpoint.`);
    }
  };
}

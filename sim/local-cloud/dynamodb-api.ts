import type { AwsBackend, DynamoItem, DynamoTable } from './aws-backend.js';
import { fields, type JsonInput } from './json-fields.js';
import { WireError } from './wire-error.js';

const validation = (message: string) => new WireError('ValidationException', message);

/** Request options whose semantics the local tables do not implement: refused rather than ignored. */
const UNSUPPORTED = ['ConditionExpression', 'Expected', 'ProjectionExpression', 'AttributesToGet', 'ConditionalOperator'];

/** The scalar string of a key attribute value (`{"S":"web"}` → `web`); keys are S, N or B. */
function scalarKey(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const entries = Object.entries(value);
  if (entries.length !== 1) return null;
  const [type, scalar] = entries[0]!;
  return ['S', 'N', 'B'].includes(type) && typeof scalar === 'string' && scalar !== '' ? scalar : null;
}

function isItem(value: unknown): value is DynamoItem {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'object' && v !== null);
}

/**
 * DynamoDB (JSON 1.0, `DynamoDB_20120810`): GetItem and PutItem over `backend.tables`, tables with
 * a hash-only key. Items are stored as sent (AttributeValue JSON). Condition and projection
 * expressions are refused with ValidationException.
 */
export function createDynamoDbApi(backend: AwsBackend): (operation: string, input: JsonInput) => unknown {
  function table(input: JsonInput): DynamoTable {
    const name = fields(input, 'ValidationException').string('TableName');
    const found = backend.tables.get(name);
    if (found === undefined) throw new WireError('ResourceNotFoundException', 'Requested resource not found');
    for (const option of UNSUPPORTED) {
      if (input[option] !== undefined) throw validation(`${option} is not supported by the local endpoint`);
    }
    return found;
  }

  function getItem(input: JsonInput) {
    const t = table(input);
    const key = input.Key;
    const value = isItem(key) && Object.keys(key).length === 1 ? scalarKey(key[t.keyAttribute]) : null;
    if (value === null) throw validation('The provided key element does not match the schema');
    const item = t.items.get(value);
    return item === undefined ? {} : { Item: structuredClone(item) };
  }

  function putItem(input: JsonInput) {
    const t = table(input);
    const item = input.Item;
    if (!isItem(item)) throw validation('1 validation error detected: Value null at \'item\' failed to satisfy constraint: Member must not be null');
    const value = scalarKey(item[t.keyAttribute]);
    if (value === null) throw validation(`One or more parameter values were invalid: Missing the key ${t.keyAttribute} in the item`);
    const returnValues = fields(input, 'ValidationException').optionalString('ReturnValues') ?? 'NONE';
    if (returnValues !== 'NONE' && returnValues !== 'ALL_OLD') throw validation(`ReturnValues ${returnValues} is not valid for PutItem`);
    const old = t.items.get(value);
    t.items.set(value, structuredClone(item));
    return returnValues === 'ALL_OLD' && old !== undefined ? { Attributes: old } : {};
  }

  return (operation, input) => {
    switch (operation) {
      case 'GetItem':
        return getItem(input);
      case 'PutItem':
        return putItem(input);
      default:
        throw new WireError('UnknownOperationException', `The operation ${operation} is not supported by the local endpoint.`);
    }
  };
}

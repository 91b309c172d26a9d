import { formatPath, parsePointer, parseServerPath } from './paths';

describe('parseServerPath', () => {
  it.each([
    ['', []],
    ['idcs', ['idcs']],
    ['services[0].endpoints[2].idc', ['services', 0, 'endpoints', 2, 'idc']],
    ['rules[0].actions[0].weights.bjs', ['rules', 0, 'actions', 0, 'weights', 'bjs']],
    ['endpoints[sha-1].capacity', ['endpoints', { name: 'sha-1' }, 'capacity']],
    ['labels["app.kubernetes.io/name"]', ['labels', 'app.kubernetes.io/name']],
    ['labels["a\\"b"].x', ['labels', 'a"b', 'x']],
    ['notifications.routes[0].channels[1]', ['notifications', 'routes', 0, 'channels', 1]],
    // Unreadable tails stop the reading; the prefix still points near the fault.
    ['services[0].endpoints[', ['services', 0, 'endpoints']],
    ['services[0]. bad', ['services', 0]],
  ])('%j', (path, segments) => {
    expect(parseServerPath(path)).toEqual(segments);
  });

  it('reads what formatPath writes', () => {
    const segments = ['services', 3, 'labels', 'app.kubernetes.io/name'];
    expect(parseServerPath(formatPath(segments))).toEqual(segments);
  });
});

describe('parsePointer', () => {
  it.each([
    ['', []],
    ['/services/0/endpoints/12/idc', ['services', 0, 'endpoints', 12, 'idc']],
    ['/labels/a~1b/c~0d', ['labels', 'a/b', 'c~d']],
    ['/labels/007', ['labels', '007']],
  ])('%j', (pointer, segments) => {
    expect(parsePointer(pointer)).toEqual(segments);
  });
});

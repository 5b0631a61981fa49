// Finding the list-watch benchmark's markers (`"marker-seq":"N"`) in raw watch bytes,
// without decoding events, when reads may cut a marker anywhere.

const markerNeedle = Buffer.from('"marker-seq":"');

/**
 * Calls onMarker for each complete `"marker-seq":"N"` in data; returns what of data must
 * be kept for the next read (a marker cut short, or the last bytes that may start one).
 */
export function findMarkers(data: Buffer, onMarker: (seq: number) => void): Buffer {
  let from = 0;
  for (let i = data.indexOf(markerNeedle); i >= 0; i = data.indexOf(markerNeedle, from)) {
    let j = i + markerNeedle.length;
    let seq = 0;
    while (j < data.length && data[j] >= 0x30 && data[j] <= 0x39) seq = seq * 10 + data[j++] - 0x30;
    if (j >= data.length) return Buffer.from(data.subarray(i));
    onMarker(seq);
    from = j;
  }
  return Buffer.from(data.subarray(Math.max(from, data.length - markerNeedle.length)));
}

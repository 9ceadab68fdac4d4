// The merge pass of the merging t-digest: weighted points in ascending order
// are packed greedily, left to right, into centroids that each span at most
// one unit of the k1 scale. Pure arithmetic in a fixed order (no random
// shuffling, no alternating directions), so equal input gives equal bits.
import { k1QuantileLimit } from './scale-k1.ts';

/** Collects centroids as a sorted input streams in. `total` is the weight of everything that will be fed. */
export class CentroidPacker {
  readonly means: number[] = [];
  readonly weights: number[] = [];
  readonly #total: number;
  readonly #compression: number;
  // The open centroid as Σx·w and Σw: dividing once when it closes keeps the
  // mean as exact as the sum (an incremental mean drifts with the order).
  #sum = 0;
  #weight = 0;
  // The open centroid's smallest and largest point: its mean is clamped to
  // them, so equal points keep their exact value and means never decrease.
  #first = 0;
  #last = 0;
  #closedWeight = 0;
  #limit = 0;

  constructor(total: number, compression: number) {
    this.#total = total;
    this.#compression = compression;
    this.#limit = total * k1QuantileLimit(0, compression);
  }

  /** Feeds one point; points must come in ascending order of `mean`. */
  push(mean: number, weight: number): void {
    if (this.#weight > 0 && this.#closedWeight + this.#weight + weight <= this.#limit) {
      this.#sum += mean * weight;
      this.#weight += weight;
      this.#last = mean;
      return;
    }
    if (this.#weight > 0) this.#close();
    this.#sum = mean * weight;
    this.#weight = weight;
    this.#first = mean;
    this.#last = mean;
  }

  #close(): void {
    const mean = this.#sum / this.#weight;
    this.means.push(mean < this.#first ? this.#first : mean > this.#last ? this.#last : mean);
    this.weights.push(this.#weight);
    this.#closedWeight += this.#weight;
    this.#limit = this.#total * k1QuantileLimit(this.#closedWeight / this.#total, this.#compression);
    this.#weight = 0;
    this.#sum = 0;
  }

  /** Closes the open centroid and returns the arrays. */
  finish(): { means: number[]; weights: number[] } {
    if (this.#weight > 0) this.#close();
    return { means: this.means, weights: this.weights };
  }
}

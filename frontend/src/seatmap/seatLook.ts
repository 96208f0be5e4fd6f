// How each status looks and reads, in one place so the legend and the seats cannot disagree.
import type { SeatStatus } from '../api/types';

export const STATUS_WORD: Record<SeatStatus, string> = {
  AVAILABLE: 'available',
  BOOKED: 'booked',
  HELD: 'held',
};

export const STATUS_SWATCH: Record<SeatStatus, string> = {
  AVAILABLE: 'bg-emerald-500',
  BOOKED: 'bg-rose-600',
  HELD: 'bg-amber-400',
};

export const STATUS_SEAT: Record<SeatStatus, string> = {
  AVAILABLE: 'bg-emerald-500 text-white hover:bg-emerald-600 cursor-pointer',
  BOOKED: 'bg-rose-600 text-white/80 cursor-not-allowed',
  HELD: 'bg-amber-400 text-amber-950 cursor-not-allowed',
};

export function seatAriaLabel(seatNumber: string, section: string, status: SeatStatus): string {
  return `Seat ${seatNumber}, ${section}, ${STATUS_WORD[status]}`;
}

// Chooses the event whose seat map is shown.
import type { EventSummary } from '../api/types';
import { formatCount } from '../lib/format';

interface Props {
  events: EventSummary[];
  selectedId: number | null;
  onSelect: (eventId: number) => void;
}

export function EventPicker({ events, selectedId, onSelect }: Props) {
  return (
    <label className="flex min-w-0 items-center gap-2 text-sm">
      <span className="shrink-0 font-medium text-slate-600">Event</span>
      <select
        data-testid="event-picker"
        className="min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-slate-900 shadow-sm focus:border-indigo-500 focus:outline-2 focus:outline-indigo-500"
        value={selectedId ?? ''}
        onChange={(e) => onSelect(Number(e.target.value))}
      >
        {events.map((event) => (
          <option key={event.id} value={event.id}>
            {event.name} ({formatCount(event.seatCount)} seats)
          </option>
        ))}
      </select>
    </label>
  );
}

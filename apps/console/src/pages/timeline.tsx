import { PageHeader } from '../ui/page';

export default function TimelinePage() {
  return <PageHeader title="Timeline" />;
}

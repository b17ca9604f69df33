// One RSS 2.0 feed per topic: items are stories, linked to their story pages, with GUIDs that never change.
import type { APIContext } from 'astro';
import { siteData } from '../../../site/data.ts';
import type { TopicView } from '../../../site/data.ts';
import { topicChannel, topicFeedStaticPaths } from '../../../site/feeds/channel.ts';
import { rssResponse } from '../../../site/feeds/rss.ts';

export const getStaticPaths = async () => topicFeedStaticPaths((await siteData()), 'rss.xml');
export const GET = (context: APIContext<{ topic: TopicView }>) => rssResponse(topicChannel(context.props.topic, context.site));
